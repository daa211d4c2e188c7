package dev.prune.rank;

import dev.prune.net.ConvNet;
import dev.prune.speedup.InputConvBackprop;
import dev.prune.speedup.RuntimeSpeedups;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ranking pass backpropagates nothing below the first feature map: neither the first conv layer's convolution
 * nor the BatchNorm after it compute gradients (its statistics still equal a training step's:
 * StatisticsDuringTrainingTest), and only for as long as it runs: the input gradient and every parameter
 * gradient are computed again afterwards, as before it.
 */
class RankingPassBackpropTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theFirstConvsBackwardIsSkippedDuringRankingOnly(boolean batchNorm) {
        ConvNet model = RuntimeSpeedups.install(TinyNets.tiny(batchNorm, 7));
        MultiLayerNetwork net = model.network();
        assertInstanceOf(InputConvBackprop.class, ((ConvolutionLayer) net.getLayer(0)).getHelper());
        INDArray x = TinyNets.randomInput(model, 5, 1);
        INDArray y = TinyNets.randomLabels(5, 3, 2);
        INDArray inputGradientBefore = net.calculateGradients(x, y, null, null).getSecond().dup();
        INDArray firstConvGradient = net.getLayer(0).getGradientsViewArray();
        // gamma and beta lead the BatchNorm's gradient view (then the running mean and deviation, which DL4J
        // updates through it after the helper's backward, in a ranking pass too)
        INDArray batchNormView = batchNorm ? net.getLayer(1).getGradientsViewArray() : null;
        INDArray firstBatchNormGradient = batchNorm
                ? batchNormView.reshape(-1).get(NDArrayIndex.interval(0, batchNormView.length() / 2)) : null;

        firstConvGradient.assign(0);
        if (batchNorm) {
            firstBatchNormGradient.assign(0);
        }
        var statistics = FeatureMapStatisticsCollector.collect(model, new ListDataSetIterator<>(List.of(new DataSet(x, y)), 5),
                5, n -> { });
        assertEquals(5, statistics.values().iterator().next().examples());
        assertEquals(0.0, firstConvGradient.amaxNumber().doubleValue(), "the ranking pass computed the first conv's gradients");
        if (batchNorm) {
            assertEquals(0.0, firstBatchNormGradient.amaxNumber().doubleValue(),
                    "the ranking pass computed the first BatchNorm's gradients");
        }

        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        assertTrue(firstConvGradient.amaxNumber().doubleValue() > 0, "training after ranking lost the first conv's gradients");
        if (batchNorm) {
            assertTrue(firstBatchNormGradient.amaxNumber().doubleValue() > 0,
                    "training after ranking lost the first BatchNorm's gradients");
        }
        INDArray inputGradientAfter = net.calculateGradients(x, y, null, null).getSecond();
        assertEquals(inputGradientBefore, inputGradientAfter, "the input gradient after a ranking pass");
    }
}
