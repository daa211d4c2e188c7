package dev.prune.speedup;

import dev.prune.net.ConvNet;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java BatchNorm gives what DL4J's own (oneDNN) helper gives: training-mode activations, every
 * gradient, the running mean and variance after steps, and inference outputs afterwards.
 */
class FastBatchNormTest {

    @Test
    void trainingMatchesDl4jsBatchNorm() throws Exception {
        ConvNet model = TinyNets.tiny(true, 21);
        TinyNets.randomiseBatchNorm(model, 8);
        MultiLayerNetwork reference = TinyNets.sgd(model.network()); // a new network gets DL4J's own helper back
        MultiLayerNetwork fast = RuntimeSpeedups.install(new ConvNet(TinyNets.sgd(model.network()), model.input())).network();
        int bnLayers = 0;
        for (int i = 0; i < fast.getnLayers(); i++) {
            if (fast.getLayer(i) instanceof BatchNormalization) {
                bnLayers++;
                assertInstanceOf(FastBatchNorm.class, helper(fast.getLayer(i)));
                assertTrue(!(helper(reference.getLayer(i)) instanceof FastBatchNorm));
            }
        }
        assertEquals(3, bnLayers);
        int classes = (int) ((FeedForwardLayer) fast.getOutputLayer().conf().getLayer()).getNOut();
        INDArray x = TinyNets.randomInput(model, 7, 3).muli(4).subi(1); // mean far from 0, to catch a lost shift
        INDArray y = TinyNets.randomLabels(7, classes, 5);

        List<INDArray> fastActs = fast.feedForward(x, true);
        List<INDArray> refActs = reference.feedForward(x, true);
        for (int i = 0; i < refActs.size(); i++) {
            // feedForward lists the input first: entry i is layer i - 1's output. A BatchNorm whose ReLU layer
            // takes its output rectified (ReluAfterBatchNorm) hands on max(0, its output) in training
            boolean rectified = i >= 1 && i < fast.getnLayers() && fast.getLayer(i) instanceof ReluAfterBatchNorm;
            INDArray expected = rectified ? Transforms.relu(refActs.get(i), true) : refActs.get(i);
            assertClose(expected, fastActs.get(i), 1e-5, "training activations of layer " + (i - 1));
        }
        assertEquals(3, java.util.Arrays.stream(fast.getLayers()).filter(l -> l instanceof ReluAfterBatchNorm).count(),
                "every ReLU layer after a BatchNorm takes its output rectified");
        assertClose(gradient(reference, x, y), gradient(fast, x, y), 1e-4, "gradients");

        for (int step = 0; step < 3; step++) {
            INDArray xs = TinyNets.randomInput(model, 5, 10 + step);
            INDArray ys = TinyNets.randomLabels(5, classes, 20 + step);
            reference.fit(xs, ys);
            fast.fit(xs, ys);
        }
        assertClose(reference.params(), fast.params(), 1e-4, "parameters and running statistics after 3 steps");
        assertClose(reference.output(x, false), fast.output(x, false), 1e-5, "inference");
    }

    private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= relative * scale, what + ": max difference " + diff + " against scale " + scale);
    }

    private static Object helper(org.deeplearning4j.nn.api.Layer layer) throws Exception {
        var field = BatchNormalization.class.getDeclaredField("helper");
        field.setAccessible(true);
        return field.get(layer);
    }
}
