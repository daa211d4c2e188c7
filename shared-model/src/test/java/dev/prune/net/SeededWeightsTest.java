package dev.prune.net;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SeededWeightsTest {

    @Test
    void theSameSeedBuildsTheSameNetwork() {
        INDArray first = VggBuilder.build(VggSpec.vggSmall(true, 3)).network().params();
        INDArray again = VggBuilder.build(VggSpec.vggSmall(true, 3)).network().params();
        INDArray other = VggBuilder.build(VggSpec.vggSmall(true, 4)).network().params();
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void weightsHaveTheScaleOfDl4jsInitialisers() {
        var net = VggBuilder.build(VggSpec.vggSmall(false, 5)).network();
        assertStd(Math.sqrt(2.0 / (32 * 9)), net.getLayer(1).getParam("W"));       // conv2, He
        assertStd(Math.sqrt(2.0 / (64 * 7 * 7)), net.getLayer(6).getParam("W"));   // dense1, He
        assertStd(Math.sqrt(2.0 / (128 + 10)), net.getLayer(7).getParam("W"));     // output, Xavier
        assertEquals(0.0, net.getLayer(1).getParam("b").sumNumber().doubleValue());
    }

    private static void assertStd(double expected, INDArray weights) {
        assertEquals(0.0, weights.meanNumber().doubleValue(), 4 * expected / Math.sqrt(weights.length()));
        assertEquals(expected, weights.stdNumber().doubleValue(), 0.05 * expected);
    }
}
