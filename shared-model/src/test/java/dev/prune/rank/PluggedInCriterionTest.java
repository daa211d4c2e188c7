package dev.prune.rank;

import dev.prune.error.PruningException;
import dev.prune.events.RunSpec;
import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A criterion defined only in the test sources ({@link SignedTaylorCriterion}) is found and used like the built-in ones. */
class PluggedInCriterionTest {

    @Test
    void theRegistryAndRunSpecsFindACriterionThatOnlyItsOwnServicesFileNames() {
        assertTrue(Criteria.names().contains(SignedTaylorCriterion.NAME), Criteria.names().toString());
        assertEquals(new SignedTaylorCriterion(), Criteria.byName("Signed-Taylor-For-Tests"));

        RunSpec spec = withCriterion(RunSpec.defaults(), SignedTaylorCriterion.NAME, "finetune").validated();
        assertEquals(new SignedTaylorCriterion(), spec.rankingOptions().criterion());
        assertEquals(spec.rankImages(), spec.fineTuneStatisticsImages(), "it needs statistics, so fine-tuning keeps them");

        var unknown = assertThrows(PruningException.class,
                () -> withCriterion(RunSpec.defaults(), "no_such_criterion", "sample").validated());
        assertTrue(unknown.getMessage().contains(SignedTaylorCriterion.NAME), unknown.getMessage());
    }

    @Test
    void filterRankerRanksWithItFromItsOwnStatisticsPass() {
        ConvNet model = TinyNets.tiny(false, 3);
        DataSet batch = new DataSet(TinyNets.randomInput(model, 6, 4), TinyNets.randomLabels(6, 3, 5));
        var statistics = FeatureMapStatisticsCollector.collect(model, new ListDataSetIterator<>(List.of(batch), 6), 100, n -> { });

        FilterRanking ranking = FilterRanker.rank(model, new ListDataSetIterator<>(List.of(batch), 6), 100,
                new RankingOptions(Criteria.byName(SignedTaylorCriterion.NAME), false, 0), n -> { });

        assertEquals(SignedTaylorCriterion.NAME, ranking.criterion());
        assertEquals(6, ranking.examples());
        List<PrunableConv> convs = ConvDependencies.of(model);
        for (int i = 0; i < convs.size(); i++) {
            double[] signed = statistics.get(convs.get(i)).taylorSigned();
            double[] expected = java.util.Arrays.stream(signed).map(v -> -v).toArray();
            double scale = java.util.Arrays.stream(signed).map(Math::abs).max().orElseThrow();
            assertArrayEquals(expected, ranking.layers().get(i).scores(), 1e-6 * scale, convs.get(i).name());
        }
        assertTrue(java.util.Arrays.stream(ranking.layers().get(0).scores()).anyMatch(v -> v < 0),
                "signed scores: a test on all-positive ones would not tell this criterion from taylor");
    }

    @Test
    void aCriterionReadsOnlyTheStatisticsItAskedFor() {
        ConvNet model = TinyNets.tiny(false, 3);
        DataSet batch = new DataSet(TinyNets.randomInput(model, 4, 4), TinyNets.randomLabels(4, 3, 5));
        var statistics = FeatureMapStatisticsCollector.collect(model, new ListDataSetIterator<>(List.of(batch), 4), 100, n -> { });
        // not registered anywhere: FilterRanker takes the object itself
        RankingCriterion forgetful = new RankingCriterion() {
            @Override
            public String name() {
                return "forgetful";
            }

            @Override
            public Set<ProbeStatistic> statisticsNeeded() {
                return Set.of(ProbeStatistic.ACTIVATION_MEAN);
            }

            @Override
            public double[] scores(LayerEvidence layer) {
                return layer.statistic(ProbeStatistic.TAYLOR_ABS_PER_EXAMPLE);
            }
        };
        var e = assertThrows(IllegalStateException.class,
                () -> FilterRanker.rank(model, statistics, new RankingOptions(forgetful, true, 0)));
        assertTrue(e.getMessage().contains("TAYLOR_ABS_PER_EXAMPLE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FilterRanker.rank(model, Map.of(), new RankingOptions(forgetful, true, 0)),
                "a criterion that needs statistics gets none from an empty map");
    }

    static RunSpec withCriterion(RunSpec d, String criterion, String rankSource) {
        return new RunSpec(d.filtersPerIteration(), d.targetFlopsReduction(), d.accuracyBudget(), d.maxIterations(),
                d.minFiltersPerLayer(), d.roundTo(), criterion, d.flopsLambda(), d.dataset(), d.trainImages(), d.testImages(),
                d.rankImages(), rankSource, d.optimizer(), d.learningRate(), d.batchSize(), d.fineTuneEpochs(),
                d.fineTuneImages(), d.seed());
    }
}
