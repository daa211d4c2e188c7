package dev.prune.speedup;

import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastReluGradientTest {

    @Test
    void gradientEqualsDl4jsIncludingAtZero() {
        INDArray z = Nd4j.createFromArray(new float[]{-2f, -0f, 0f, 1e-30f, 3f, -1e-30f, 0.5f, 0f}).reshape(2, 4);
        INDArray eps = Nd4j.createFromArray(new float[]{1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f}).reshape(2, 4);
        INDArray expected = new ActivationReLU().backprop(z.dup(), eps.dup()).getFirst();
        INDArray got = new FastReluGradient().backprop(z.dup(), eps.dup()).getFirst();
        assertEquals(Nd4j.createFromArray(new float[]{0f, 0f, 0f, 4f, 5f, 0f, 7f, 0f}).reshape(2, 4), expected);
        assertEquals(expected, got);
    }

    @Test
    void gradientEqualsDl4jsForEpsilonInAnotherOrder() {
        INDArray z = TinyNets.uniform(41, 3, 5, 4, 4).subi(0.5);
        INDArray eps = TinyNets.uniform(42, 3, 5, 4, 4).dup('f');
        assertEquals(new ActivationReLU().backprop(z.dup(), eps.dup()).getFirst(),
                new FastReluGradient().backprop(z.dup(), eps.dup()).getFirst());
    }

    @Test
    void networkGradientsAreBitIdenticalWithAndWithout() {
        for (boolean batchNorm : new boolean[]{false, true}) {
            ConvNet model = RuntimeSpeedups.install(TinyNets.tiny(batchNorm, 4));
            assertTrue(TinyNets.activations(model.network()).stream().anyMatch(FastReluGradient.class::isInstance));
            MultiLayerNetwork plain = model.network().clone();
            FastReluGradient.uninstall(plain);
            FastBatchNorm.install(plain); // the clone has DL4J's BatchNorm helper: only the ReLU may differ
            assertTrue(TinyNets.activations(plain).stream().noneMatch(FastReluGradient.class::isInstance));
            INDArray x = TinyNets.randomInput(model, 6, 3);
            int classes = (int) ((FeedForwardLayer) model.network().getOutputLayer().conf().getLayer()).getNOut();
            INDArray y = TinyNets.randomLabels(6, classes, 5);
            assertEquals(gradient(plain, x, y), gradient(model.network(), x, y), "batchNorm=" + batchNorm);
        }
    }

    @Test
    void reluWithCapOrSlopeIsLeftAlone() {
        assertFalse(FastReluGradient.isPlainRelu(new ActivationReLU(6.0, null, null)));
        assertFalse(FastReluGradient.isPlainRelu(new ActivationReLU(null, null, 0.1)));
        assertTrue(FastReluGradient.isPlainRelu(new ActivationReLU()));
        assertFalse(FastReluGradient.isPlainRelu(new FastReluGradient()));
    }

    @Test
    void savedFilesNameOnlyDl4jsOwnClasses(@TempDir Path dir) throws Exception {
        ConvNet model = RuntimeSpeedups.install(TinyNets.tiny(true, 4));
        Path file = dir.resolve("m.zip");
        ModelFiles.save(model, file);
        try (var zip = new ZipFile(file.toFile())) {
            String json = new String(zip.getInputStream(zip.getEntry("configuration.json")).readAllBytes());
            assertTrue(json.contains("ActivationReLU"), json);
            assertFalse(json.contains("FastReluGradient"), json);
        }
        assertTrue(TinyNets.activations(model.network()).stream().anyMatch(FastReluGradient.class::isInstance),
                "the saved network keeps the fast gradient in memory");
        ConvNet loaded = RuntimeSpeedups.install(ModelFiles.load(file));
        IActivation first = TinyNets.activations(loaded.network()).stream().filter(ActivationReLU.class::isInstance).findFirst().orElseThrow();
        assertSame(FastReluGradient.class, first.getClass());
        assertInstanceOf(FastReluGradient.class, first);
    }

    private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }
}
