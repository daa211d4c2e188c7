package dev.prune.pipeline;

import dev.prune.events.PipelineEvent;
import dev.prune.events.TrainRequested;
import dev.prune.events.Trained;
import dev.prune.net.ConvNet;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.train.Trainer;
import dev.prune.train.TrainingReport;

import java.util.Map;
import java.util.function.Consumer;

/** train-requested -> a base network at runs/{run}/iter-000/base, for users who bring none. */
public final class TrainStage {
    private final CheckpointIO io;
    private final DataCatalog data;

    public TrainStage(CheckpointIO io, DataCatalog data) {
        this.io = io;
        this.data = data;
    }

    public Trained handle(TrainRequested in, Consumer<TrainingReport> progress) {
        var key = new CheckpointKey(in.runId(), 0, "base");
        CheckpointManifest manifest = io.store().manifest(key).orElseGet(() -> compute(in, key, progress));
        return new Trained(PipelineEvent.CURRENT_VERSION, in.runId(), key.prefix(), StageExtras.number(manifest, "train_seconds"),
                in.spec());
    }

    private CheckpointManifest compute(TrainRequested in, CheckpointKey key, Consumer<TrainingReport> progress) {
        ConvNet fresh = VggBuilder.build(VggSpec.named(in.network(), in.batchNorm(), in.spec().seed()));
        var train = data.forRun(in.spec(), fresh.input()).train();
        var settings = in.spec().trainingSettings().withEpochs(in.epochs()).withMaxImages(0);
        var trained = Trainer.train(fresh, train, settings, progress);
        return io.saveModel(key, trained.model(), null, "trainer", Map.of("train_seconds", trained.report().seconds(),
                "train_images_per_s", trained.report().imagesPerSecond()));
    }
}
