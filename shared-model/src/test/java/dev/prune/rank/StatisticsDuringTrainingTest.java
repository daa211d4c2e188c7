package dev.prune.rank;

import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistics a training step gathers from its own passes equal those of a ranking pass over
 * the same batch on the weights that step started from, step after step while Adam moves the
 * weights, with and without BatchNorm; and the probes leave the network as they found it.
 */
class StatisticsDuringTrainingTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eachTrainingStepGivesTheRankingPassStatisticsOfItsStartingWeights(boolean batchNorm) {
        ConvNet model = TinyNets.tiny(batchNorm, 11);
        if (batchNorm) {
            TinyNets.randomiseBatchNorm(model, 3);
        }
        MultiLayerNetwork net = new TransferLearning.Builder(model.network())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(1e-2)).build())
                .build();
        ConvNet training = new ConvNet(net, model.input());
        List<DataSet> batches = List.of(
                new DataSet(TinyNets.randomInput(model, 6, 1), TinyNets.randomLabels(6, 3, 2)),
                new DataSet(TinyNets.randomInput(model, 4, 3), TinyNets.randomLabels(4, 3, 4)),
                new DataSet(TinyNets.randomInput(model, 6, 5), TinyNets.randomLabels(6, 3, 6)));

        double[] firstConvBefore = null;
        for (DataSet batch : batches) {
            Map<PrunableConv, FeatureMapStatistics> fromPass = FeatureMapStatisticsCollector.collect(
                    new ConvNet(net.clone(), model.input()), new ListDataSetIterator<>(List.of(batch), 6), 100, n -> { });
            Map<PrunableConv, FeatureMapStatistics> fromStep;
            try (var attached = FeatureMapStatisticsCollector.attach(training)) {
                net.fit(batch);
                fromStep = attached.statistics();
            }
            assertEquals(fromPass.keySet(), fromStep.keySet());
            for (PrunableConv conv : fromPass.keySet()) {
                FeatureMapStatistics expected = fromPass.get(conv);
                FeatureMapStatistics actual = fromStep.get(conv);
                assertEquals(batch.numExamples(), actual.examples());
                double scale = java.util.Arrays.stream(expected.taylor()).max().orElseThrow();
                assertTrue(scale > 0, "a degenerate network would make this test vacuous");
                assertArrayEquals(expected.taylor(), actual.taylor(), 1e-5 * scale, conv.name());
                assertArrayEquals(expected.taylorBatchMean(), actual.taylorBatchMean(), 1e-5 * scale, conv.name());
                assertArrayEquals(expected.meanActivation(), actual.meanActivation(), 1e-5, conv.name());
            }
            double[] firstConv = net.getLayer(0).getParam("W").dup().reshape(-1).toDoubleVector();
            if (firstConvBefore != null) {
                assertFalse(java.util.Arrays.equals(firstConvBefore, firstConv), "the weights must move between steps");
            }
            firstConvBefore = firstConv;
        }
        for (var layer : net.getLayers()) {
            var conf = layer.conf().getLayer();
            var activation = conf instanceof BaseLayer base ? base.getActivationFn()
                    : conf instanceof ActivationLayer act ? act.getActivationFn() : null;
            assertFalse(activation instanceof ProbeActivation, "a probe was left on " + conf.getLayerName());
        }
    }
}
