package dev.prune.infer;

import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference form computes what the network computes in inference, with the BatchNorm and ReLU layers gone. */
class BatchNormFoldingTest {

    @Test
    void vggWithBatchNormFoldsIntoItsConvs() {
        ConvNet model = TinyNets.tiny(true, 5);
        TinyNets.randomiseBatchNorm(model, 9);
        ConvNet folded = BatchNormFolding.fold(model);
        assertEquals(model.numLayers() - 6, folded.numLayers(), "3 BatchNorm and 3 ReLU layers removed");
        assertNoBatchNormOrActivationLayers(folded);
        assertSameInference(model, folded);
    }

    @Test
    void batchNormWithoutLogDeviationOrConvBiasOrReluAfterIt() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(new InputShape(2, 6, 6).toInputType())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        ConvNet model = new ConvNet(net, new InputShape(2, 6, 6));
        TinyNets.randomiseBatchNorm(model, 4);
        ConvNet folded = BatchNormFolding.fold(model);
        assertEquals(model.numLayers() - 3, folded.numLayers());
        assertNoBatchNormOrActivationLayers(folded);
        assertSameInference(model, folded);
    }

    @Test
    void aNetworkWithoutBatchNormIsReturnedAsItIs() {
        ConvNet model = TinyNets.tiny(false, 5);
        assertSame(model, BatchNormFolding.fold(model));
    }

    private static void assertNoBatchNormOrActivationLayers(ConvNet folded) {
        for (var layer : folded.network().getLayers()) {
            var conf = layer.conf().getLayer();
            assertTrue(!(conf instanceof BatchNormalization) && !(conf instanceof ActivationLayer),
                    conf.getClass().getSimpleName() + " left in the inference form");
        }
    }

    private static void assertSameInference(ConvNet model, ConvNet folded) {
        INDArray x = TinyNets.randomInput(model, 6, 2).muli(3).subi(1);
        INDArray expected = model.network().output(x, false);
        INDArray actual = folded.network().output(x, false);
        assertTrue(Arrays.equals(expected.shape(), actual.shape()));
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(expected.sub(actual).amaxNumber().doubleValue() <= 1e-5 * Math.max(1, scale),
                "inference differs by " + expected.sub(actual).amaxNumber() + ":\n" + expected + "\n" + actual);
        // every intermediate conv output too, not only the softmax (which saturates)
        var modelActs = model.network().feedForward(x, false);
        var foldedActs = folded.network().feedForward(x, false);
        INDArray lastConvModel = modelActs.get(modelActs.size() - 2);
        INDArray lastConvFolded = foldedActs.get(foldedActs.size() - 2);
        assertTrue(lastConvModel.sub(lastConvFolded).amaxNumber().doubleValue()
                <= 1e-5 * Math.max(1, lastConvModel.amaxNumber().doubleValue()), "the layer before the output differs");
    }
}
