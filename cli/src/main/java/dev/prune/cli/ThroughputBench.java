package dev.prune.cli;

import dev.prune.data.LabeledImages;
import dev.prune.infer.BatchNormFolding;
import dev.prune.infer.InferenceRuntime;
import dev.prune.measure.LatencyMeter;
import dev.prune.measure.MeasureSettings;
import dev.prune.measure.ProcessMemory;
import dev.prune.net.ConvNet;
import dev.prune.rank.FeatureMapStatisticsCollector;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.speedup.InputConvBackprop;
import dev.prune.speedup.RuntimeSpeedups;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Steady-state speed of one network: training and ranking images/s, latency, peak memory. */
final class ThroughputBench {
    private final LabeledImages data;
    private final int batchSize;
    private final int steps;
    private final MeasureSettings latency;

    ThroughputBench(LabeledImages data, int batchSize, int steps, MeasureSettings latency) {
        this.data = data;
        this.batchSize = batchSize;
        this.steps = steps;
        this.latency = latency;
    }

    Map<String, Object> measure(ConvNet model) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("train_images_per_s", trainImagesPerSecond(model, false));
        Nd4jRuntime.releaseGarbage(); // the trained clone's native buffers (as the services do after each event)
        out.put("rank_images_per_s", rankImagesPerSecond(model));
        out.put("train_with_statistics_images_per_s", trainImagesPerSecond(model, true));
        Nd4jRuntime.releaseGarbage();
        putLatencies(out, "", model, InferenceRuntime.DL4J);
        ConvNet inference = BatchNormFolding.fold(model);
        if (inference != model) {
            putLatencies(out, "inference_form_", inference, InferenceRuntime.DL4J);
        }
        putLatencies(out, "compiled_", model, InferenceRuntime.ONEDNN);
        out.put("peak_rss_mb", ProcessMemory.self().peakResidentMb());
        return out;
    }

    private void putLatencies(Map<String, Object> out, String prefix, ConvNet model, InferenceRuntime runtime) {
        out.put(prefix + "latency_b1_ms", LatencyMeter.medianMillis(model, runtime, 1, latency.latencyWarmup(),
                latency.latencyWarmupSeconds(), latency.latencyRunsB1()));
        out.put(prefix + "latency_b64_ms", LatencyMeter.medianMillis(model, runtime, 64, latency.latencyWarmupB64(),
                latency.latencyWarmupSeconds(), latency.latencyRunsB64()));
    }

    /**
     * The pruned network's speedup over the base at batch 1 and 64, the two run in alternation
     * ({@link LatencyMeter#pairedSpeedup}), four times as many pairs as the latency figures' runs; for networks
     * with BatchNorm also the speedup of the one's inference form over the other's; and the speedup compiled
     * ({@link InferenceRuntime#ONEDNN}).
     */
    Map<String, Object> speedups(ConvNet base, ConvNet pruned) {
        Map<String, Object> out = new LinkedHashMap<>();
        putSpeedups(out, "", base, pruned, InferenceRuntime.DL4J);
        ConvNet baseInference = BatchNormFolding.fold(base);
        if (baseInference != base) {
            putSpeedups(out, "inference_form_", baseInference, BatchNormFolding.fold(pruned), InferenceRuntime.DL4J);
        }
        putSpeedups(out, "compiled_", base, pruned, InferenceRuntime.ONEDNN);
        return out;
    }

    private void putSpeedups(Map<String, Object> out, String prefix, ConvNet base, ConvNet pruned,
                             InferenceRuntime runtime) {
        out.put(prefix + "speedup_b1", LatencyMeter.pairedSpeedup(base, pruned, runtime, 1, latency.latencyWarmup(),
                latency.latencyWarmupSeconds(), 4 * latency.latencyRunsB1()).speedup());
        out.put(prefix + "speedup_b64", LatencyMeter.pairedSpeedup(base, pruned, runtime, 64,
                latency.latencyWarmupB64(), latency.latencyWarmupSeconds(), 4 * latency.latencyRunsB64()).speedup());
    }

    /**
     * Training and ranking passes of each network in turn for about {@code seconds}, before the first measurement:
     * a JVM's first round ran about 25 % slower than its later ones, base and pruned alike (HotSpot still compiling
     * DL4J's and this project's Java code, on the cores the measurement needs; docs/performance.md). PyTorch's side
     * runs no Java and keeps its few warm-up steps.
     */
    void warmUp(List<ConvNet> models, double seconds) {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < until) {
            for (ConvNet model : models) {
                trainImagesPerSecond(model, false);
                rankImagesPerSecond(model);
                Nd4jRuntime.releaseGarbage();
            }
        }
    }

    /**
     * Adam steps per second; {@code gatherStatistics}: with the ranking statistics taken from the steps'
     * own passes (rank_source finetune), so training and ranking in one.
     */
    private double trainImagesPerSecond(ConvNet model, boolean gatherStatistics) {
        var training = RuntimeSpeedups.install(new ConvNet(model.network().clone(), model.input())); // a clone has DL4J's layers
        var net = training.network();
        var batches = data.iterator(batchSize, true, 1);
        try (var statistics = gatherStatistics ? FeatureMapStatisticsCollector.attach(training) : null;
             var firstLayer = InputConvBackprop.weightGradientsOnly(net)) { // as the Trainer trains
            for (int i = 0; i < 3; i++) {
                net.fit(nextBatch(batches));
            }
            long images = 0;
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                var batch = nextBatch(batches);
                net.fit(batch);
                images += batch.numExamples();
            }
            return images / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double rankImagesPerSecond(ConvNet model) {
        int images = steps * batchSize;
        FeatureMapStatisticsCollector.collect(model, data.iterator(batchSize, false, 0), 3L * batchSize, n -> { });
        long start = System.nanoTime();
        FeatureMapStatisticsCollector.collect(model, data.iterator(batchSize, false, 0), images, n -> { });
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private static org.nd4j.linalg.dataset.api.DataSet nextBatch(org.nd4j.linalg.dataset.api.iterator.DataSetIterator it) {
        if (!it.hasNext()) {
            it.reset();
        }
        return it.next();
    }
}
