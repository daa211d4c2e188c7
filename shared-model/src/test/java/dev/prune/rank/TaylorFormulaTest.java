package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Taylor statistics equal a direct evaluation of the formula: a from a plain forward pass,
 * g = dLoss/da from an independent network made of the layers after the conv (DL4J's own input
 * gradient), then theta(k) = mean_m |mean_hw a*g| with per-example loss gradients.
 */
class TaylorFormulaTest {

    @Test
    void statisticsEqualDirectFormulaForFirstConv() {
        ConvNet model = TinyNets.tiny(false, 7);
        int batch = 5;
        INDArray x = TinyNets.randomInput(model, batch, 1);
        INDArray y = TinyNets.randomLabels(batch, 3, 2);
        // two batches: the second smaller, so per-example scaling of g matters
        DataSetIterator data = new ListDataSetIterator<>(List.of(new DataSet(x, y),
                new DataSet(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)), y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)))), 5);

        Map<PrunableConv, FeatureMapStatistics> stats = FeatureMapStatisticsCollector.collect(model, data, 100, n -> { });
        PrunableConv first = ConvDependencies.of(model).get(0);
        FeatureMapStatistics s = stats.get(first);
        assertEquals(7, s.examples());

        double[][] direct = directThetaSums(model, x, y);
        double[][] directSmall = directThetaSums(model, x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)),
                y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)));
        double[] expectedTaylor = new double[4];
        double[] expectedBatchMean = new double[4];
        for (int k = 0; k < 4; k++) {
            expectedTaylor[k] = (direct[0][k] + directSmall[0][k]) / 7;
            expectedBatchMean[k] = Math.abs((direct[1][k] + directSmall[1][k]) / 7);
        }
        assertArrayEquals(expectedTaylor, s.taylor(), 1e-5 * max(expectedTaylor));
        assertArrayEquals(expectedBatchMean, s.taylorBatchMean(), 1e-5 * max(expectedTaylor));
        assertTrue(max(expectedTaylor) > 0, "a degenerate network would make this test vacuous");

        FilterRanking ranking = FilterRanker.rank(model, stats, RankingOptions.paper());
        double norm = Math.sqrt(java.util.Arrays.stream(expectedTaylor).map(v -> v * v).sum());
        for (int k = 0; k < 4; k++) {
            assertEquals(expectedTaylor[k] / norm, ranking.layers().get(0).scores()[k], 1e-5);
        }
        assertEquals(1.0, java.util.Arrays.stream(ranking.layers().get(1).scores()).map(v -> v * v).sum(), 1e-9);
    }

    /** Sums over the batch of |theta_m(k)| and theta_m(k), computed the long way. */
    private static double[][] directThetaSums(ConvNet model, INDArray x, INDArray y) {
        int batch = (int) x.size(0);
        INDArray a = model.network().feedForward(x, true).get(1); // output of layer 0 (conv1, ReLU)
        MultiLayerNetwork tail = tailAfterFirstConv(model);
        INDArray g = tail.calculateGradients(a.dup(), y, null, null).getSecond();
        int channels = (int) a.size(1), h = (int) a.size(2), w = (int) a.size(3);
        double[][] sums = new double[2][channels];
        for (int m = 0; m < batch; m++) {
            for (int k = 0; k < channels; k++) {
                double acc = 0;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        acc += a.getDouble(m, k, i, j) * g.getDouble(m, k, i, j);
                    }
                }
                double theta = acc / (h * w);
                sums[0][k] += Math.abs(theta);
                sums[1][k] += theta;
            }
        }
        return sums;
    }

    /** The same network without its first conv, sharing the trained parameters. */
    private static MultiLayerNetwork tailAfterFirstConv(ConvNet model) {
        var full = model.network();
        var list = new NeuralNetConfiguration.Builder().seed(1).list();
        for (int i = 1; i < full.getnLayers(); i++) {
            list.layer(full.getLayerWiseConfigurations().getConf(i).getLayer().clone());
        }
        list.setInputType(InputType.convolutional(8, 8, 4));
        var tail = new MultiLayerNetwork(list.build());
        tail.init();
        for (int i = 1; i < full.getnLayers(); i++) {
            for (var p : full.getLayer(i).paramTable().entrySet()) {
                tail.getLayer(i - 1).setParam(p.getKey(), p.getValue());
            }
        }
        return tail;
    }

    @Test
    void gradientIsThatOfEachExamplesOwnLoss() {
        // d(mean loss)/d(scale of channel k) by central differences equals the mean over examples of sum_hw a*g
        ConvNet model = TinyNets.tiny(false, 7);
        INDArray x = TinyNets.randomInput(model, 5, 1);
        INDArray y = TinyNets.randomLabels(5, 3, 2);
        var stats = FeatureMapStatisticsCollector.collect(model,
                new ListDataSetIterator<>(List.of(new DataSet(x, y)), 5), 100, n -> { });
        double[] signed = stats.get(ConvDependencies.of(model).get(0)).taylorSigned();
        INDArray a = model.network().feedForward(x, true).get(1);
        MultiLayerNetwork tail = tailAfterFirstConv(model);
        for (int k = 0; k < 4; k++) {
            // a 1 % step crossed ReLU and max-pool kinks for some channels of some initialisations (off by up to 10 %)
            double eps = 1e-3;
            double up = tail.score(new DataSet(scaled(a, k, 1 + eps), y), false);
            double down = tail.score(new DataSet(scaled(a, k, 1 - eps), y), false);
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, signed[k] * 64, 0.02 * Math.abs(numeric) + 1e-4, "channel " + k);
        }
    }

    private static INDArray scaled(INDArray a, int channel, double factor) {
        INDArray copy = a.dup();
        copy.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(channel),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all()).muli(factor);
        return copy;
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
    }

    @Test
    void weightL1IsSumOfAbsoluteKernelWeights() {
        ConvNet model = VggBuilder.build(new VggSpec(new InputShape(1, 8, 8), List.of(List.of(3)), false, List.of(), 2, 3));
        INDArray w = model.network().getLayer(0).getParam("W");
        FilterRanking ranking = FilterRanker.rank(model, Map.of(), new RankingOptions(new WeightL1Criterion(), false, 0));
        for (int k = 0; k < 3; k++) {
            double expected = 0;
            for (int i = 0; i < 9; i++) {
                expected += Math.abs(w.getDouble(k, 0, i / 3, i % 3));
            }
            assertEquals(expected, ranking.layers().get(0).scores()[k], 1e-5);
        }
    }
}
