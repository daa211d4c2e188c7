package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.measure.ModelCost;
import dev.prune.net.ConvNet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** Turns statistics (or weights) into a {@link FilterRanking} under a {@link RankingCriterion}: L2 normalisation per layer and the FLOPs penalty are applied here, for every criterion alike. */
public final class FilterRanker {
    private FilterRanker() {
    }

    /** One statistics pass over at most {@code maxExamples} images, then the ranking. */
    public static FilterRanking rank(ConvNet model, DataSetIterator data, long maxExamples, RankingOptions options,
                                     LongConsumer progress) {
        if (options.criterion().statisticsNeeded().isEmpty()) {
            return rank(model, Map.of(), options);
        }
        return rank(model, FeatureMapStatisticsCollector.collect(model, data, maxExamples, progress), options);
    }

    /** Ranks from statistics already collected, so several criteria can share one pass. */
    public static FilterRanking rank(ConvNet model, Map<PrunableConv, FeatureMapStatistics> statistics,
                                     RankingOptions options) {
        List<PrunableConv> convs = ConvDependencies.of(model);
        List<double[]> values = new ArrayList<>();
        long examples = 0;
        RankingCriterion criterion = options.criterion();
        boolean needsStatistics = !criterion.statisticsNeeded().isEmpty();
        for (PrunableConv conv : convs) {
            FeatureMapStatistics stats = null;
            if (needsStatistics) {
                stats = statistics.get(conv);
                if (stats == null) {
                    throw new IllegalArgumentException("no statistics for conv " + conv.name());
                }
                examples = stats.examples();
            }
            double[] raw = criterion.scores(new LayerEvidence(model, conv, stats, criterion));
            if (raw == null || raw.length != conv.filters()) {
                throw new IllegalStateException("criterion " + criterion.name() + " gave " + (raw == null ? "no" : raw.length)
                        + " scores for conv " + conv.name() + ", which has " + conv.filters() + " filters");
            }
            // a copy when not normalised: the FLOPs penalty below writes into it, and the criterion may keep its array
            values.add(options.normalizeL2() ? l2Normalized(raw) : raw.clone());
        }
        if (options.flopsLambda() > 0) {
            penaliseFlops(model, convs, values, options.flopsLambda());
        }
        List<LayerRanks> layers = new ArrayList<>();
        for (int i = 0; i < convs.size(); i++) {
            layers.add(new LayerRanks(convs.get(i).name(), convs.get(i).layerIndex(), values.get(i)));
        }
        return new FilterRanking(criterion.name(), examples, List.copyOf(layers));
    }

    static double[] l2Normalized(double[] raw) {
        double norm = Math.sqrt(java.util.Arrays.stream(raw).map(v -> v * v).sum());
        return norm == 0 ? raw.clone() : java.util.Arrays.stream(raw).map(v -> v / norm).toArray();
    }

    private static void penaliseFlops(ConvNet model, List<PrunableConv> convs, List<double[]> values, double lambda) {
        long[] perFilter = convs.stream().mapToLong(c -> ModelCost.flopsPerFilter(model, c)).toArray();
        double max = java.util.Arrays.stream(perFilter).max().orElse(1);
        for (int i = 0; i < convs.size(); i++) {
            double penalty = lambda * perFilter[i] / max;
            double[] v = values.get(i);
            for (int k = 0; k < v.length; k++) {
                v[k] -= penalty;
            }
        }
    }
}
