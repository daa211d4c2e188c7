package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each built-in criterion scores exactly what the engine ranked on before criteria were objects (the
 * statistics' own accessors, the kernel's L1 norm), bit for bit, and asks the probes for just that.
 * The formulas themselves are checked against direct evaluations in {@link TaylorFormulaTest}.
 */
class BuiltInCriteriaTest {
    private static ConvNet model;
    private static Map<PrunableConv, FeatureMapStatistics> statistics;

    @BeforeAll
    static void statistics() {
        model = TinyNets.tiny(true, 11);
        TinyNets.randomiseBatchNorm(model, 12);
        DataSet batch = new DataSet(TinyNets.randomInput(model, 5, 13), TinyNets.randomLabels(5, 3, 14));
        statistics = FeatureMapStatisticsCollector.collect(model, new ListDataSetIterator<>(List.of(batch), 5), 100, n -> { });
    }

    @Test
    void taylorIsTheMeanOfAbsoluteValuesPerExample() {
        check(new TaylorCriterion(), "taylor", Set.of(ProbeStatistic.TAYLOR_ABS_PER_EXAMPLE), FeatureMapStatistics::taylor);
    }

    @Test
    void taylorBatchMeanIsTheAbsoluteValueOfTheMean() {
        check(new TaylorBatchMeanCriterion(), "taylor_batch_mean", Set.of(ProbeStatistic.TAYLOR_SIGNED_MEAN),
                FeatureMapStatistics::taylorBatchMean);
    }

    @Test
    void meanActivationIsTheFeatureMapsMean() {
        check(new MeanActivationCriterion(), "mean_activation", Set.of(ProbeStatistic.ACTIVATION_MEAN),
                FeatureMapStatistics::meanActivation);
    }

    @Test
    void weightL1ReadsOnlyWeights() {
        RankingCriterion criterion = new WeightL1Criterion();
        assertEquals("weight_l1", criterion.name());
        assertEquals(Set.of(), criterion.statisticsNeeded());
        assertEquals(0, RankSource.FINETUNE.fineTuneStatisticsImages(criterion, 500), "nothing for fine-tuning to keep");
        FilterRanking ranking = FilterRanker.rank(model, Map.of(), new RankingOptions(criterion, false, 0));
        List<PrunableConv> convs = ConvDependencies.of(model);
        for (int i = 0; i < convs.size(); i++) {
            double[] expected = Transforms.abs(model.network().getLayer(convs.get(i).layerIndex()).getParam("W"), true)
                    .sum(1, 2, 3).toDoubleVector();
            assertArrayEquals(expected, ranking.layers().get(i).scores(), 0.0);
        }
        assertEquals(0, ranking.examples());
    }

    @Test
    void theRegistryHoldsTheBuiltInsInTheirOrder() {
        List<String> builtIn = List.of("taylor", "taylor_batch_mean", "weight_l1", "mean_activation");
        assertEquals(builtIn, Criteria.names().stream().filter(builtIn::contains).toList());
        assertEquals(new TaylorCriterion(), Criteria.byName(" TAYLOR "));
        assertEquals(new TaylorBatchMeanCriterion(), Criteria.byName("taylor-batch-mean"));
        assertEquals(RankingOptions.paper().criterion(), Criteria.byName("taylor"));
    }

    private static void check(RankingCriterion criterion, String name, Set<ProbeStatistic> needed,
                              Function<FeatureMapStatistics, double[]> before) {
        assertEquals(name, criterion.name());
        assertEquals(needed, criterion.statisticsNeeded());
        assertEquals(500, RankSource.FINETUNE.fineTuneStatisticsImages(criterion, 500));
        assertEquals(0, RankSource.SAMPLE.fineTuneStatisticsImages(criterion, 500));
        FilterRanking raw = FilterRanker.rank(model, statistics, new RankingOptions(criterion, false, 0));
        FilterRanking normalised = FilterRanker.rank(model, statistics, new RankingOptions(criterion, true, 0));
        assertEquals(name, raw.criterion());
        List<PrunableConv> convs = ConvDependencies.of(model);
        for (int i = 0; i < convs.size(); i++) {
            double[] expected = before.apply(statistics.get(convs.get(i)));
            assertArrayEquals(expected, raw.layers().get(i).scores(), 0.0, convs.get(i).name());
            assertArrayEquals(FilterRanker.l2Normalized(expected), normalised.layers().get(i).scores(), 0.0, convs.get(i).name());
        }
        assertEquals(5, raw.examples());
    }
}
