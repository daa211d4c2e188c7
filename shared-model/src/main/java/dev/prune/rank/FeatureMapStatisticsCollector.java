package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.speedup.InputConvBackprop;
import dev.prune.speedup.RuntimeSpeedups;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Per-filter statistics of every conv layer, gathered from the forward and backward passes of a
 * network: either a pass of its own ({@link #collect}) or the passes of training that is going on
 * anyway ({@link #attach}), which costs only the reductions.
 */
public final class FeatureMapStatisticsCollector {
    private FeatureMapStatisticsCollector() {
    }

    /**
     * Forward and backward passes (training mode, no parameter update) over up to {@code maxExamples} images.
     * Nothing below the first feature map is backpropagated: the first conv layer's convolution backward, a
     * BatchNorm right after it and the first feature map's own activation backward are skipped (no parameter
     * gradient and no input gradient is used here; that feature map's statistics are taken before).
     */
    public static Map<PrunableConv, FeatureMapStatistics> collect(ConvNet model, DataSetIterator data, long maxExamples,
                                                                  LongConsumer progress) {
        var net = RuntimeSpeedups.install(model).network();
        long seen = 0;
        try (Attached attached = attach(model); InputConvBackprop.SwitchedOff off = InputConvBackprop.switchedOff(net)) {
            attached.probes.lowest().ifPresent(lowest -> {
                if (off.nothingNeedsAGradientBelow(lowest.featureMapLayer())) {
                    attached.probes.probe(lowest).nothingBelowNeedsAGradient(true);
                }
            });
            while (data.hasNext() && seen < maxExamples) {
                DataSet batch = data.next();
                long remaining = maxExamples - seen;
                if (batch.numExamples() > remaining) {
                    batch = batch.getRange(0, (int) remaining);
                }
                net.setInput(batch.getFeatures());
                net.setLabels(batch.getLabels());
                net.computeGradientAndScore();
                seen += batch.numExamples();
                progress.accept(seen);
            }
            net.clear();
            if (seen == 0) {
                throw new dev.prune.error.PruningException("ranking got no images: the data set is empty");
            }
            return attached.statistics();
        }
    }

    /**
     * Probes on every conv's feature map that accumulate over each training-mode backward pass of
     * {@code model}'s network until closed; close before saving the network.
     */
    public static Attached attach(ConvNet model) {
        return new Attached(new FeatureMapProbes(model, ConvDependencies.of(model), true));
    }

    /** Statistics being gathered from a network's own passes. */
    public static final class Attached implements AutoCloseable {
        private final FeatureMapProbes probes;
        private final Map<PrunableConv, FeatureMapStatistics> statistics = new LinkedHashMap<>();

        private Attached(FeatureMapProbes probes) {
            this.probes = probes;
            for (PrunableConv conv : probes.convs()) {
                statistics.put(conv, probes.probe(conv).statistics());
            }
        }

        /** What has been gathered so far (also after close), by conv. */
        public Map<PrunableConv, FeatureMapStatistics> statistics() {
            return new LinkedHashMap<>(statistics);
        }

        @Override
        public void close() {
            probes.close();
        }
    }
}
