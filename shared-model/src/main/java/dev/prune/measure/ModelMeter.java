package dev.prune.measure;

import dev.prune.data.LabeledImages;
import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.graph.UnsupportedNetworkException;
import dev.prune.infer.BatchNormFolding;
import dev.prune.infer.InferenceRuntime;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a network fully: accuracy, cost, serialized size and the latency of its inference form
 * ({@link BatchNormFolding}) on the configured runtime.
 */
public final class ModelMeter {
    private static final Logger LOG = LoggerFactory.getLogger(ModelMeter.class);
    private final LabeledImages heldOut;
    private final MeasureSettings settings;

    public ModelMeter(LabeledImages heldOut, MeasureSettings settings) {
        this.heldOut = heldOut;
        this.settings = settings;
    }

    public ModelMetrics measure(ConvNet model) {
        var quality = AccuracyEvaluator.evaluate(model, heldOut, settings.evalBatchSize());
        var cost = ModelCost.of(model);
        // latency of what a deployment runs: BatchNorm folded into its conv (the same outputs, fewer layers), on the
        // configured runtime (the compiled oneDNN form unless configured otherwise)
        ConvNet inference = BatchNormFolding.fold(model);
        InferenceRuntime runtime = runtimeFor(inference);
        double b1 = LatencyMeter.medianMillis(inference, runtime, 1, settings.latencyWarmup(),
                settings.latencyWarmupSeconds(), settings.latencyRunsB1());
        double b64 = LatencyMeter.medianMillis(inference, runtime, 64, settings.latencyWarmupB64(),
                settings.latencyWarmupSeconds(), settings.latencyRunsB64());
        return new ModelMetrics(quality.accuracy(), quality.loss(), cost.params(), cost.convFlops(), cost.totalFlops(),
                serializedBytes(model), b1, b64, filtersPerLayer(model));
    }

    /** The configured runtime, or DL4J's when the compiled one cannot run one of the network's layers. */
    private InferenceRuntime runtimeFor(ConvNet inference) {
        InferenceRuntime runtime = settings.latencyRuntime();
        try {
            runtime.open(inference, 1).close();
            return runtime;
        } catch (UnsupportedNetworkException e) {
            LOG.warn("latency measured with DL4J's layers instead of the {} runtime: {}",
                    runtime.name().toLowerCase(Locale.ROOT), e.getMessage());
            return InferenceRuntime.DL4J;
        }
    }

    public static Map<String, Integer> filtersPerLayer(ConvNet model) {
        Map<String, Integer> filters = new LinkedHashMap<>();
        for (PrunableConv conv : ConvDependencies.of(model)) {
            filters.put(conv.name(), conv.filters());
        }
        return filters;
    }

    public static long serializedBytes(ConvNet model) {
        try {
            Path tmp = Files.createTempFile("pruning-size-", ".zip");
            try {
                ModelFiles.save(model, tmp);
                return Files.size(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
