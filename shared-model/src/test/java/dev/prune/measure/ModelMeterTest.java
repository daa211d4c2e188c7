package dev.prune.measure;

import dev.prune.data.ImageShape;
import dev.prune.data.LabeledImages;
import dev.prune.infer.InferenceRuntime;
import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import dev.prune.testing.TinyNets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A network with BatchNorm: accuracy, loss and cost are those of the network as trained; timing (on its folded inference form) runs. */
class ModelMeterTest {

    @Test
    void aBatchNormNetworkIsMeasuredAsTrained() {
        ConvNet model = TinyNets.tiny(true, 3);
        TinyNets.randomiseBatchNorm(model, 6);
        LabeledImages data = randomImages();

        ModelMetrics metrics = new ModelMeter(data, new MeasureSettings(8, 2, 5, 3, 0, InferenceRuntime.ONEDNN)).measure(model);

        var direct = AccuracyEvaluator.evaluate(model, data, 8);
        assertEquals(direct.accuracy(), metrics.accuracy());
        assertEquals(direct.loss(), metrics.loss(), 1e-9);
        assertEquals(ModelCost.of(model).convFlops(), metrics.convFlops());
        assertEquals(Map.of("conv1", 4, "conv2", 6, "conv3", 5), metrics.filtersPerLayer());
        assertTrue(metrics.latencyB1Ms() > 0 && metrics.latencyB64Ms() > 0);
    }

    @Test
    void aNetworkTheCompiledRuntimeCannotRunIsTimedWithDl4j() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(new InputShape(1, 8, 8).toInputType())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        ConvNet model = new ConvNet(net, new InputShape(1, 8, 8));

        ModelMetrics metrics = new ModelMeter(randomImages(), new MeasureSettings(8, 2, 5, 3, 0, InferenceRuntime.ONEDNN))
                .measure(model);

        assertTrue(metrics.latencyB1Ms() > 0 && metrics.latencyB64Ms() > 0);
    }

    private static LabeledImages randomImages() {
        Random random = new Random(1);
        float[][] images = new float[20][64];
        int[] labels = new int[20];
        for (int i = 0; i < images.length; i++) {
            for (int j = 0; j < 64; j++) {
                images[i][j] = random.nextFloat();
            }
            labels[i] = i % 3;
        }
        return LabeledImages.ofFloats(images, labels, new ImageShape(1, 8, 8), List.of("a", "b", "c"));
    }
}
