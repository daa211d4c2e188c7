package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Runs forward and backward passes (training mode, no parameter update) over up to
 * {@code maxExamples} images and returns the per-filter statistics of every conv layer.
 */
public final class FeatureMapStatisticsCollector {
    private FeatureMapStatisticsCollector() {
    }

    public static Map<PrunableConv, FeatureMapStatistics> collect(ConvNet model, DataSetIterator data, long maxExamples,
                                                                  LongConsumer progress) {
        List<PrunableConv> convs = ConvDependencies.of(model);
        var net = model.network();
        long seen = 0;
        try (var probes = new FeatureMapProbes(model, convs, true)) {
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
            Map<PrunableConv, FeatureMapStatistics> result = new LinkedHashMap<>();
            for (PrunableConv conv : probes.convs()) {
                result.put(conv, probes.probe(conv).statistics());
            }
            if (seen == 0) {
                throw new dev.prune.error.PruningException("ranking got no images: the data set is empty");
            }
            return result;
        }
    }
}
