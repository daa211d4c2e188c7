package dev.prune.speedup;

import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@link InputConvBackprop#weightGradientsOnly} the first conv's gradients come from oneDNN's weight
 * gradient alone, and every parameter gradient, and so training, is what DL4J computes; the network's input
 * gradient is computed again once it is closed.
 */
class FirstLayerWeightGradientTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsAndTrainingStepsEqualDl4js(boolean batchNorm) {
        // built as the pipeline builds networks: DL4J workspaces on, which arrays kept across steps must leave
        ConvNet model = RuntimeSpeedups.install(VggBuilder.build(new VggSpec(new InputShape(1, 12, 12),
                List.of(List.of(4, 4), List.of(6)), batchNorm, List.of(8), 3, 7)));
        MultiLayerNetwork net = model.network();
        INDArray x = TinyNets.randomInput(model, 6, 1);
        INDArray y = TinyNets.randomLabels(6, 3, 2);

        INDArray expected = gradient(net, x, y);
        INDArray actual;
        try (var only = InputConvBackprop.weightGradientsOnly(net)) {
            actual = gradient(net, x, y);
            INDArray firstConv = net.getLayer(0).getGradientsViewArray();
            assertTrue(firstConv.amaxNumber().doubleValue() > 0, "no gradient for the first conv");
        }
        assertClose(expected, actual, "gradients");

        MultiLayerNetwork plain = net.clone();
        MultiLayerNetwork fast = net.clone();
        RuntimeSpeedups.install(plain);
        RuntimeSpeedups.install(fast);
        try (var only = InputConvBackprop.weightGradientsOnly(fast)) {
            for (int step = 0; step < 3; step++) {
                DataSet batch = new DataSet(TinyNets.randomInput(model, 6, 10 + step), TinyNets.randomLabels(6, 3, 20 + step));
                plain.fit(batch);
                fast.fit(batch);
            }
        }
        // Adam divides each gradient by its running size: an element near zero moves by up to the learning rate
        // (1e-3) whatever its size, so rounding-level gradient differences show as up to a fraction of that
        INDArray difference = plain.params().sub(fast.params());
        assertTrue(difference.amaxNumber().doubleValue() < 2.5e-4,
                "parameters after 3 Adam steps differ by " + difference.amaxNumber());

        INDArray inputGradient = net.calculateGradients(x, y, null, null).getSecond();
        assertNotNull(inputGradient, "the input gradient once closed");
        assertTrue(inputGradient.amaxNumber().doubleValue() > 0, "the input gradient once closed");
    }

    private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.getFlattenedGradients().dup();
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length());
        double scale = Math.max(1e-6, expected.amaxNumber().doubleValue());
        double largest = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(largest <= 1e-4 * scale, what + ": largest difference " + largest + " of " + scale);
    }
}
