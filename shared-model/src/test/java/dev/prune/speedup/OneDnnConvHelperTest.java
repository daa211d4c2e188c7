package dev.prune.speedup;

import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conv layers run by {@link OneDnnConvHelper}, and max pooling by {@link FastMaxPooling}, answer, backpropagate and
 * train as DL4J's own make them (a network's clone runs DL4J's): outputs, every parameter gradient, the input
 * gradient and SGD steps.
 */
class OneDnnConvHelperTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void vggNetworksAnswerBackpropagateAndTrainAsDl4jDoes(boolean batchNorm) {
        ConvNet model = RuntimeSpeedups.install(VggBuilder.build(new VggSpec(new InputShape(1, 12, 12),
                List.of(List.of(4, 5), List.of(6)), batchNorm, List.of(8), 3, 7)));
        for (int i = 1; i < model.numLayers(); i++) {
            var layer = model.network().getLayer(i);
            if (layer.getClass() == org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class) {
                assertInstanceOf(OneDnnConvHelper.class, layer.getHelper(), "layer " + i);
            }
            if (layer.conf().getLayer() instanceof SubsamplingLayer) {
                assertInstanceOf(FastMaxPooling.class, layer, "layer " + i);
            }
        }
        assertLikeDl4j(model, 6);
        assertLikeDl4j(model, 3); // another batch size: primitives built again
        for (var layer : model.network().getLayers()) {
            if (layer.getClass() == org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class) {
                // before BatchNorm the activation is the identity: the training output is kept, not copied
                assertEquals(batchNorm ? CacheMode.NONE : CacheMode.DEVICE,
                        ((org.deeplearning4j.nn.layers.AbstractLayer<?>) layer).getCacheMode(), layer.conf().getLayer().getLayerName());
            }
        }
    }

    @Test
    void stridesPaddingDilationSameModeAndNoBiasInConvsAndPooling() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).stride(2, 2).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.LEAKYRELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).dilation(2, 2).padding(1, 2)
                        .convolutionMode(ConvolutionMode.Truncate).hasBias(false).activation(Activation.TANH).build())
                .layer(new ConvolutionLayer.Builder(2, 3).nOut(4).stride(1, 2).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(1, 2)
                        .padding(1, 0).convolutionMode(ConvolutionMode.Truncate).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(new InputShape(2, 17, 15).toInputType())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        assertLikeDl4j(RuntimeSpeedups.install(new ConvNet(net, new InputShape(2, 17, 15))), 4);
    }

    private static void assertLikeDl4j(ConvNet model, int batch) {
        MultiLayerNetwork ours = model.network();
        MultiLayerNetwork dl4j = ours.clone();
        INDArray x = TinyNets.randomInput(model, batch, batch).muli(2).subi(0.5);
        INDArray y = TinyNets.randomLabels(batch, 3, 2);
        assertClose(dl4j.output(x, false), ours.output(x, false), 1e-5, "outputs");

        var expected = dl4j.calculateGradients(x, y, null, null);
        var actual = ours.calculateGradients(x, y, null, null);
        assertClose(expected.getSecond(), actual.getSecond(), 1e-4, "input gradients");
        assertClose(gradients(dl4j, x, y), gradients(ours, x, y), 1e-4, "parameter gradients");

        MultiLayerNetwork reference = TinyNets.sgd(ours);
        MultiLayerNetwork trained = TinyNets.sgd(ours);
        RuntimeSpeedups.install(trained);
        for (int step = 0; step < 3; step++) {
            DataSet data = new DataSet(TinyNets.randomInput(model, batch, 10 + step), TinyNets.randomLabels(batch, 3, 20 + step));
            reference.fit(data);
            trained.fit(data);
        }
        assertClose(reference.params(), trained.params(), 1e-4, "parameters after 3 SGD steps");
    }

    private static INDArray gradients(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.getFlattenedGradients().dup();
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        assertEquals(expected.length(), actual.length(), what);
        double scale = Math.max(1e-6, expected.amaxNumber().doubleValue());
        double largest = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(largest <= relative * scale, what + ": largest difference " + largest + " of " + scale);
    }
}
