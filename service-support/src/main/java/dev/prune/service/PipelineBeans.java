package dev.prune.service;

import dev.prune.infer.InferenceRuntime;
import dev.prune.measure.MeasureSettings;
import dev.prune.pipeline.CheckpointIO;
import dev.prune.pipeline.DataCatalog;
import dev.prune.pipeline.EvaluateStage;
import dev.prune.pipeline.FineTuneStage;
import dev.prune.pipeline.RankStage;
import dev.prune.pipeline.SurgeryStage;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.store.CheckpointStore;
import dev.prune.store.CheckpointStores;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the engine's pieces from application.properties ({@code pruning.*}): the checkpoint
 * store, the data catalog and the pipeline stages. Every service gets the same wiring.
 */
@ApplicationScoped
public class PipelineBeans {

    @Produces
    @Singleton
    CheckpointStore checkpointStore(Config config) {
        Map<String, String> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("pruning.store.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> settings.put(name, v));
            }
        }
        return CheckpointStores.fromSettings(settings);
    }

    void closeStore(@Disposes CheckpointStore store) {
        store.close();
    }

    @Produces
    @Singleton
    CheckpointIO checkpointIO(CheckpointStore store, @ConfigProperty(name = "pruning.scratch-dir") Path scratch,
                              @ConfigProperty(name = "pruning.debug.pause-before-store", defaultValue = "PT0S")
                              java.time.Duration pauseBeforeStore,
                              MeterRegistry registry) {
        Nd4jRuntime.configure();
        CheckpointIO checkpoints = new CheckpointIO(store, scratch, pauseBeforeStore);
        // pruning_checkpoints_computed_total: stage outputs actually computed, so a duplicate's re-emit shows as none
        FunctionCounter.builder("pruning.checkpoints.computed", checkpoints, CheckpointIO::computedCount).register(registry);
        return checkpoints;
    }

    @Produces
    @Singleton
    DataCatalog dataCatalog(@ConfigProperty(name = "pruning.fashion-mnist-dir") Optional<Path> dir,
                            @ConfigProperty(name = "pruning.data.folder-root") Optional<Path> folderRoot) {
        return new DataCatalog(dir.orElse(null), folderRoot.orElse(null));
    }

    @Produces
    @Singleton
    RankStage rankStage(CheckpointIO io, DataCatalog data) {
        return new RankStage(io, data);
    }

    @Produces
    @Singleton
    SurgeryStage surgeryStage(CheckpointIO io) {
        return new SurgeryStage(io);
    }

    @Produces
    @Singleton
    FineTuneStage fineTuneStage(CheckpointIO io, DataCatalog data) {
        return new FineTuneStage(io, data);
    }

    @Produces
    @Singleton
    EvaluateStage evaluateStage(CheckpointIO io, DataCatalog data,
                                @ConfigProperty(name = "pruning.measure.eval-batch-size", defaultValue = "256") int evalBatch,
                                @ConfigProperty(name = "pruning.measure.latency-warmup", defaultValue = "10") int warmup,
                                @ConfigProperty(name = "pruning.measure.latency-runs-b1", defaultValue = "31") int runsB1,
                                @ConfigProperty(name = "pruning.measure.latency-runs-b64", defaultValue = "7") int runsB64,
                                @ConfigProperty(name = "pruning.measure.latency-warmup-seconds", defaultValue = "5")
                                double warmupSeconds,
                                @ConfigProperty(name = "pruning.measure.latency-runtime", defaultValue = "onednn")
                                String runtime) {
        return new EvaluateStage(io, data, new MeasureSettings(evalBatch, warmup, runsB1, runsB64, warmupSeconds,
                InferenceRuntime.parse(runtime)));
    }
}
