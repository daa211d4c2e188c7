package dev.prune.speedup;

import dev.prune.data.ImageShape;
import dev.prune.data.LabeledImages;
import dev.prune.measure.AccuracyEvaluator;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.IActivation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertIterableEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Building, loading and saving a network leave its layers DL4J's; {@link RuntimeSpeedups#install} swaps them, once,
 * and the code that runs a network (here the evaluator) installs them itself.
 */
class RuntimeSpeedupsTest {

    @Test
    void aBuiltOrLoadedNetworkRunsDl4jsLayersUntilInstalled(@TempDir Path dir) {
        ConvNet built = TinyNets.tiny(true, 3);
        assertFalse(installed(built.network()), "VggBuilder installs nothing");
        ModelFiles.save(built, dir.resolve("m.zip"));
        assertFalse(installed(built.network()), "saving installs nothing");
        ConvNet loaded = ModelFiles.load(dir.resolve("m.zip"));
        assertFalse(installed(loaded.network()), "loading installs nothing");

        assertSame(loaded, RuntimeSpeedups.install(loaded));
        assertTrue(installed(loaded.network()));
        assertEquals(CacheMode.DEVICE, loaded.network().getLayerWiseConfigurations().getCacheMode());
        List<Object> swaps = swaps(loaded.network());
        RuntimeSpeedups.install(loaded);
        assertIterableEquals(swaps, swaps(loaded.network()), "installing again changes nothing");
    }

    @Test
    void savingAnInstalledNetworkKeepsItsVeryLayers(@TempDir Path dir) {
        ConvNet model = RuntimeSpeedups.install(TinyNets.tiny(true, 4));
        List<Object> swaps = swaps(model.network());
        ModelFiles.save(model, dir.resolve("m.zip"));
        List<Object> after = swaps(model.network());
        assertEquals(swaps.size(), after.size());
        for (int i = 0; i < swaps.size(); i++) {
            assertSame(swaps.get(i), after.get(i), "object " + i);
        }
    }

    @Test
    void theEvaluatorInstallsThemBeforeItRunsTheNetwork() {
        ConvNet model = TinyNets.tiny(true, 5);
        byte[] pixels = new byte[4 * 8 * 8];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        var images = LabeledImages.ofPixels(pixels, new int[]{0, 1, 2, 0}, new ImageShape(1, 8, 8), List.of("a", "b", "c"));
        AccuracyEvaluator.evaluate(model, images, 4);
        assertTrue(installed(model.network()));
    }

    private static boolean installed(MultiLayerNetwork net) {
        boolean any = false;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof BatchNormalization bn) {
                any = true;
                if (!(bn.getHelper() instanceof FastBatchNorm)) {
                    return false;
                }
            }
            if (layer instanceof ConvolutionLayer conv) {
                any = true;
                if (!(conv.getHelper() instanceof OneDnnConvHelper || conv.getHelper() instanceof InputConvBackprop)) {
                    return false;
                }
            }
        }
        return any && TinyNets.activations(net).stream().anyMatch(FastReluGradient.class::isInstance);
    }

    /** The layer objects, helpers and activation objects the speed-ups put in place, in layer order. */
    private static List<Object> swaps(MultiLayerNetwork net) {
        List<Object> out = new ArrayList<>();
        for (Layer layer : net.getLayers()) {
            out.add(layer);
            if (layer instanceof BatchNormalization bn) {
                out.add(bn.getHelper());
            } else if (layer instanceof ConvolutionLayer conv) {
                out.add(conv.getHelper());
            }
        }
        out.addAll(TinyNets.activations(net));
        return out;
    }
}
