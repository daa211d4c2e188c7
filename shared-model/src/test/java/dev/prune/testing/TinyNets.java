package dev.prune.testing;

import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/** Small networks and inputs for fast tests. */
public final class TinyNets {
    private TinyNets() {
    }

    /** conv 4 - conv 6 - pool - conv 5 - pool - dense 8 - output 3, on 1x8x8 images. */
    public static ConvNet tiny(boolean batchNorm, long seed) {
        return VggBuilder.build(new VggSpec(new InputShape(1, 8, 8), List.of(List.of(4, 6), List.of(5)), batchNorm,
                List.of(8), 3, seed));
    }

    public static INDArray randomInput(ConvNet model, int batch, long seed) {
        return uniform(seed, model.input().batchShape(batch));
    }

    /**
     * Values uniform in [0, 1), the same for the same seed. ND4J's own generator does not repeat its draws
     * after setSeed on the CPU backend, so tests draw from java.util.Random.
     */
    public static INDArray uniform(long seed, long... shape) {
        var random = new java.util.Random(seed);
        float[] data = new float[(int) java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return Nd4j.create(data, shape, 'c');
    }

    /**
     * A copy of the network that trains with plain SGD (0.1) and runs DL4J's own layer helpers: Adam would turn
     * rounding-level gradient differences on near-zero elements (the biases of convs before a BatchNorm are zero
     * in exact arithmetic) into steps of +-learning rate, so comparisons of training runs use this.
     */
    public static org.deeplearning4j.nn.multilayer.MultiLayerNetwork sgd(org.deeplearning4j.nn.multilayer.MultiLayerNetwork network) {
        return new org.deeplearning4j.nn.transferlearning.TransferLearning.Builder(network.clone())
                .fineTuneConfiguration(new org.deeplearning4j.nn.transferlearning.FineTuneConfiguration.Builder()
                        .updater(new org.nd4j.linalg.learning.config.Sgd(0.1)).build())
                .build();
    }

    public static INDArray randomLabels(int batch, int classes, long seed) {
        var random = new java.util.Random(seed);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, random.nextInt(classes), 1f);
        }
        return labels;
    }

    /** Gives BatchNorm layers non-trivial gamma, beta and running statistics, as after training. */
    public static void randomiseBatchNorm(ConvNet model, long seed) {
        long draw = seed;
        for (var layer : model.network().getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                for (var entry : layer.paramTable().entrySet()) {
                    INDArray p = entry.getValue();
                    INDArray values = uniform(draw++, p.shape());
                    switch (entry.getKey()) {
                        case "gamma", "var" -> p.assign(values.addi(0.5));
                        case "beta", "mean" -> p.assign(values.subi(0.5));
                        default -> p.assign(values.muli(0.1));
                    }
                }
            }
        }
    }

    /** The activation function of every layer that has one, in layer order. */
    public static List<org.nd4j.linalg.activations.IActivation> activations(
            org.deeplearning4j.nn.multilayer.MultiLayerNetwork net) {
        List<org.nd4j.linalg.activations.IActivation> out = new java.util.ArrayList<>();
        for (var layer : net.getLayers()) {
            var conf = layer.conf().getLayer();
            if (conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
                out.add(base.getActivationFn());
            } else if (conf instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer activation) {
                out.add(activation.getActivationFn());
            }
        }
        return out;
    }
}
