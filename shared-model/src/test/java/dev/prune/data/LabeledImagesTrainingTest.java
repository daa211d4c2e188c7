package dev.prune.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The iterator feeds a real DL4J network (fit over several epochs, with DL4J's async prefetch). */
class LabeledImagesTrainingTest {

    @Test
    void aSmallConvNetLearnsFromTheIterator() {
        // two classes told apart by brightness of the left or right half of a 1x8x8 image
        int n = 256;
        float[][] images = new float[n][64];
        int[] labels = new int[n];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int p = 0; p < 64; p++) {
                boolean bright = (p % 8 < 4) == (labels[i] == 0);
                images[i][p] = bright ? 0.6f + 0.4f * random.nextFloat() : 0.4f * random.nextFloat();
            }
        }
        LabeledImages data = LabeledImages.ofFloats(images, labels, new ImageShape(1, 8, 8), List.of("left", "right"));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(1e-2))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSetIterator train = data.iterator(32, true, 9);
        net.fit(train, 3);
        Evaluation evaluation = net.evaluate(data.iterator(64, false, 0));
        assertEquals(n, evaluation.getNumRowCounter());
        assertTrue(evaluation.accuracy() > 0.9, "accuracy " + evaluation.accuracy());
    }
}
