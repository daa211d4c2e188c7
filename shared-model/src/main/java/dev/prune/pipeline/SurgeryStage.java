package dev.prune.pipeline;

import dev.prune.events.FiltersPruned;
import dev.prune.events.PipelineEvent;
import dev.prune.events.RanksComputed;
import dev.prune.net.ConvNet;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.LayerRanks;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.CheckpointStage;
import dev.prune.surgery.FilterSelector;
import dev.prune.surgery.FilterSurgeon;
import dev.prune.surgery.PruningPlan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** ranks-computed -> the smaller model. Computed once: a stored cut is reused. */
public final class SurgeryStage {
    private final CheckpointIO io;
    private final StageInputCheck check;

    public SurgeryStage(CheckpointIO io) {
        this.io = io;
        this.check = new StageInputCheck(io);
    }

    /** Empty for a run that has ended (before or during the work): nothing to emit. */
    public Optional<FiltersPruned> handle(RanksComputed in) {
        if (!check.runIsLive(in)) {
            return Optional.empty();
        }
        CheckpointKey model = check.ownKey(in, "model_checkpoint", in.modelCheckpoint(), in.iteration() - 1,
                RankStage.MODEL_STAGES);
        CheckpointKey ranks = check.ownKey(in, "ranks_checkpoint", in.ranksCheckpoint(), in.iteration(),
                Set.of(CheckpointKey.RANKED_STAGE));
        var key = new CheckpointKey(in.runId(), in.iteration(), CheckpointStage.PRUNED);
        Optional<CheckpointManifest> stored = io.store().manifest(key);
        if (stored.isPresent()) {
            // re-emitting: the inputs must still be what the event says (the computing path verifies them as it reads)
            check.verified(in, model);
            check.verified(in, ranks);
        }
        CheckpointManifest manifest = stored.orElseGet(() -> compute(in, key));
        if (!check.runIsLive(in)) {
            return Optional.empty();
        }
        Map<String, Double> seconds = new LinkedHashMap<>(in.stageSeconds() == null ? Map.of() : in.stageSeconds());
        seconds.put("surgery", StageExtras.number(manifest, "surgery_ms") / 1000);
        return Optional.of(new FiltersPruned(PipelineEvent.CURRENT_VERSION, in.runId(), in.iteration(), in.modelCheckpoint(), key.prefix(),
                StageExtras.removed(manifest), manifest.filtersPerLayer(), manifest.params(), manifest.convFlops(),
                seconds, in.spec()));
    }

    private CheckpointManifest compute(RanksComputed in, CheckpointKey key) {
        ConvNet model = io.loadModel(in.modelCheckpoint());
        FilterRanking ranking = io.loadJson(in.ranksCheckpoint(), FilterRanking.class);
        PruningPlan plan = FilterSelector.lowest(ranking, in.spec().filtersPerIteration(), in.spec().widthRule());
        long start = System.nanoTime();
        ConvNet pruned = FilterSurgeon.prune(model, plan);
        double millis = (System.nanoTime() - start) / 1e6;
        Map<String, int[]> removed = new LinkedHashMap<>();
        for (LayerRanks layer : ranking.layers()) {
            int[] filters = plan.removals().get(layer.layerIndex());
            if (filters != null) {
                removed.put(layer.layer(), filters);
            }
        }
        return io.saveModel(key, pruned, in.modelCheckpoint(), "surgeon", Map.of("removed", removed, "surgery_ms", millis));
    }
}
