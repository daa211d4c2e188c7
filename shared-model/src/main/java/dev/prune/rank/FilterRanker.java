package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.measure.ModelCost;
import dev.prune.net.ConvNet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** Turns statistics (or weights) into a {@link FilterRanking} under a criterion. */
public final class FilterRanker {
    private FilterRanker() {
    }

    /** One statistics pass over at most {@code maxExamples} images, then the ranking. */
    public static FilterRanking rank(ConvNet model, DataSetIterator data, long maxExamples, RankingOptions options,
                                     LongConsumer progress) {
        if (options.criterion() == Criterion.WEIGHT_L1) {
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
        for (PrunableConv conv : convs) {
            double[] raw;
            if (options.criterion() == Criterion.WEIGHT_L1) {
                raw = weightL1(model, conv);
            } else {
                FeatureMapStatistics stats = statistics.get(conv);
                if (stats == null) {
                    throw new IllegalArgumentException("no statistics for conv " + conv.name());
                }
                examples = stats.examples();
                raw = switch (options.criterion()) {
                    case TAYLOR -> stats.taylor();
                    case TAYLOR_BATCH_MEAN -> stats.taylorBatchMean();
                    case MEAN_ACTIVATION -> stats.meanActivation();
                    case WEIGHT_L1 -> throw new AssertionError();
                };
            }
            values.add(options.normalizeL2() ? l2Normalized(raw) : raw);
        }
        if (options.flopsLambda() > 0) {
            penaliseFlops(model, convs, values, options.flopsLambda());
        }
        List<LayerRanks> layers = new ArrayList<>();
        for (int i = 0; i < convs.size(); i++) {
            layers.add(new LayerRanks(convs.get(i).name(), convs.get(i).layerIndex(), values.get(i)));
        }
        return new FilterRanking(options.criterion().key(), examples, List.copyOf(layers));
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

    /** Li et al. 2016: sum of |W| over each filter's kernel (input channels x kH x kW). */
    static double[] weightL1(ConvNet model, PrunableConv conv) {
        INDArray w = model.network().getLayer(conv.layerIndex()).getParam("W");
        return org.nd4j.linalg.ops.transforms.Transforms.abs(w, true).sum(1, 2, 3).toDoubleVector();
    }
}
