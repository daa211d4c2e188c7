package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.speedup.RuntimeSpeedups;
import org.nd4j.linalg.dataset.api.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The brute-force oracle: the change of the loss on a fixed set of images when one filter's
 * feature map is forced to zero, for every filter (inference mode). Its cost is one pass over
 * the images per filter, so use a few thousand images at most.
 */
public final class OracleRanker {
    private OracleRanker() {
    }

    /** Ranking by |loss change| (the paper's "oracle-abs"). */
    public static FilterRanking rank(ConvNet model, List<? extends DataSet> batches, LongConsumer filtersDone) {
        List<LayerRanks> signed = lossChanges(model, batches, filtersDone).layers();
        List<LayerRanks> abs = new ArrayList<>();
        for (LayerRanks layer : signed) {
            abs.add(new LayerRanks(layer.layer(), layer.layerIndex(),
                    java.util.Arrays.stream(layer.scores()).map(Math::abs).toArray()));
        }
        return new FilterRanking("oracle", examples(batches), List.copyOf(abs));
    }

    /** Signed loss change (masked minus intact) of zeroing each filter. */
    public static FilterRanking lossChanges(ConvNet model, List<? extends DataSet> batches, LongConsumer filtersDone) {
        RuntimeSpeedups.install(model);
        List<PrunableConv> convs = ConvDependencies.of(model);
        List<LayerRanks> layers = new ArrayList<>();
        long done = 0;
        try (var probes = new FeatureMapProbes(model, convs, false)) {
            double intact = meanLoss(model, batches);
            for (PrunableConv conv : convs) {
                double[] changes = new double[conv.filters()];
                ProbeActivation probe = probes.probe(conv);
                for (int k = 0; k < conv.filters(); k++) {
                    probe.zeroChannels(k);
                    try {
                        changes[k] = meanLoss(model, batches) - intact;
                    } finally {
                        probe.zeroChannels();
                    }
                    filtersDone.accept(++done);
                }
                layers.add(new LayerRanks(conv.name(), conv.layerIndex(), changes));
            }
        }
        return new FilterRanking("oracle_signed", examples(batches), List.copyOf(layers));
    }

    /** Mean loss (inference mode) with one channel of a conv's feature map multiplied by {@code factor}. */
    public static double meanLossWithChannelScaled(ConvNet model, List<? extends DataSet> batches, PrunableConv conv,
                                                   int channel, double factor) {
        RuntimeSpeedups.install(model);
        try (var probes = new FeatureMapProbes(model, List.of(conv), false)) {
            probes.probe(conv).scaleChannels(factor, channel);
            return meanLoss(model, batches);
        }
    }

    private static double meanLoss(ConvNet model, List<? extends DataSet> batches) {
        double sum = 0;
        long n = 0;
        for (DataSet batch : batches) {
            sum += model.network().score((org.nd4j.linalg.dataset.DataSet) batch, false) * batch.numExamples();
            n += batch.numExamples();
        }
        return sum / n;
    }

    private static long examples(List<? extends DataSet> batches) {
        return batches.stream().mapToLong(DataSet::numExamples).sum();
    }
}
