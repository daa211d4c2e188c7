package dev.prune.net;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Draws a freshly built network's weights again from a Java generator seeded with the network's seed,
 * with the same distributions as DL4J's initialisers (He: N(0, 2/fan_in); Xavier: N(0, 2/(fan_in +
 * fan_out))). ND4J 1.0.0-M2.1's native random generator does not repeat its draws after
 * {@code setSeed} on the CPU backend (deeplearning4j issue 5083: two runs with seed 0 drew different
 * weights), so without this the same seed gave a different network on every run.
 */
final class SeededWeights {
    private SeededWeights() {
    }

    static void draw(MultiLayerNetwork network, long seed) {
        Random random = new Random(seed);
        for (var layer : network.getLayers()) {
            if (!(layer.conf().getLayer() instanceof FeedForwardLayer conf) || !layer.paramTable().containsKey("W")) {
                continue;
            }
            INDArray weights = layer.getParam("W");
            double std = standardDeviation(conf);
            float[] values = new float[(int) weights.length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * std);
            }
            weights.assign(Nd4j.create(values, weights.shape(), weights.ordering()));
        }
    }

    /** DL4J's fan-in and fan-out: kernel area times channels for convolutions (fan-out over the stride area). */
    private static double standardDeviation(FeedForwardLayer conf) {
        double fanIn = conf.getNIn();
        double fanOut = conf.getNOut();
        if (conf instanceof ConvolutionLayer conv) {
            double area = (double) conv.getKernelSize()[0] * conv.getKernelSize()[1];
            fanIn *= area;
            fanOut *= area / ((double) conv.getStride()[0] * conv.getStride()[1]);
        }
        var init = ((BaseLayer) conf).getWeightInitFn();
        if (init instanceof WeightInitRelu) {
            return Math.sqrt(2.0 / fanIn);
        }
        if (init instanceof WeightInitXavier) {
            return Math.sqrt(2.0 / (fanIn + fanOut));
        }
        throw new IllegalArgumentException("layer " + conf.getLayerName() + " uses weight init " + init
                + ", which has no seeded equivalent here: use RELU or XAVIER");
    }
}
