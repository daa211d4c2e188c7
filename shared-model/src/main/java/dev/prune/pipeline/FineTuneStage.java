package dev.prune.pipeline;

import dev.prune.events.Finetuned;
import dev.prune.events.FiltersPruned;
import dev.prune.events.PipelineEvent;
import dev.prune.net.ConvNet;
import dev.prune.rank.FilterRanker;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.CheckpointStage;
import dev.prune.train.Trainer;
import dev.prune.train.TrainingReport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** filters-pruned -> the fine-tuned model. Computed once: a stored result is reused. */
public final class FineTuneStage {
    private final CheckpointIO io;
    private final DataCatalog data;
    private final StageInputCheck check;
    private final FineTuneRankings rankings;

    public FineTuneStage(CheckpointIO io, DataCatalog data) {
        this.io = io;
        this.data = data;
        this.check = new StageInputCheck(io);
        this.rankings = new FineTuneRankings(io);
    }

    /** Empty for a run that has ended (before or during the work): nothing to emit. */
    public Optional<Finetuned> handle(FiltersPruned in, Consumer<TrainingReport> progress) {
        if (!check.runIsLive(in)) {
            return Optional.empty();
        }
        CheckpointKey pruned = check.ownKey(in, "checkpoint", in.checkpoint(), in.iteration(), java.util.Set.of(CheckpointStage.PRUNED));
        check.ownKey(in, "parent_checkpoint", in.parentCheckpoint(), in.iteration() - 1, RankStage.MODEL_STAGES);
        var key = new CheckpointKey(in.runId(), in.iteration(), CheckpointStage.FINETUNED);
        Optional<CheckpointManifest> stored = io.store().manifest(key);
        if (stored.isPresent()) {
            check.verified(in, pruned);
        }
        CheckpointManifest manifest = stored.orElseGet(() -> compute(in, key, progress));
        if (!check.runIsLive(in)) {
            return Optional.empty();
        }
        Map<String, Double> seconds = new LinkedHashMap<>(in.stageSeconds() == null ? Map.of() : in.stageSeconds());
        seconds.put("finetune", StageExtras.number(manifest, "finetune_seconds"));
        return Optional.of(new Finetuned(PipelineEvent.CURRENT_VERSION, in.runId(), in.iteration(), in.checkpoint(), key.prefix(),
                in.removed(), seconds, StageExtras.number(manifest, "finetune_images_per_s"), in.spec()));
    }

    private CheckpointManifest compute(FiltersPruned in, CheckpointKey key, Consumer<TrainingReport> progress) {
        ConvNet model = io.loadModel(in.checkpoint());
        var train = data.forRun(in.spec(), model.input()).train();
        var tuned = Trainer.train(model, train, in.spec().trainingSettings().withSeedOffset(in.iteration()),
                in.spec().fineTuneStatisticsImages(), progress);
        Map<String, Object> extra = new LinkedHashMap<>(Map.of(
                "finetune_seconds", tuned.report().seconds(),
                "finetune_images_per_s", tuned.report().imagesPerSecond(),
                "finetune_images", tuned.report().images()));
        CheckpointIO.Stored stored = io.storeModel(key, tuned.model(), in.checkpoint(), "trainer", extra);
        if (!tuned.statistics().isEmpty() && stored.ours()) {
            rankings.write(stored.manifest(), FilterRanker.rank(tuned.model(), tuned.statistics(), in.spec().rankingOptions()));
        }
        return stored.manifest();
    }
}
