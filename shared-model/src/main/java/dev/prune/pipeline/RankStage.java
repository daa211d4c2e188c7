package dev.prune.pipeline;

import dev.prune.data.LabeledImages;
import dev.prune.events.Evaluated;
import dev.prune.events.PipelineEvent;
import dev.prune.events.RanksComputed;
import dev.prune.net.ConvNet;
import dev.prune.rank.FilterRanker;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.RankSource;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.CheckpointStage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * evaluated (CONTINUE) -> ranks of the next iteration: from a ranking pass over a sample, or, with
 * rank_source finetune, the ranking the fine-tuning gathered on this checkpoint's last steps (no pass).
 * Computed once: a stored ranking is reused.
 */
public final class RankStage {
    /** What a ranking reads: the base network, or the last fine-tuned one. */
    static final java.util.Set<String> MODEL_STAGES = java.util.Set.of(CheckpointStage.BASE, CheckpointStage.FINETUNED);
    private final CheckpointIO io;
    private final DataCatalog data;
    private final StageInputCheck check;
    private final FineTuneRankings rankings;

    public RankStage(CheckpointIO io, DataCatalog data) {
        this.io = io;
        this.data = data;
        this.check = new StageInputCheck(io);
        this.rankings = new FineTuneRankings(io);
    }

    /** Empty for a STOP verdict and for a run that has ended (before or during the work): nothing to emit. */
    public Optional<RanksComputed> handle(Evaluated in, LongConsumer imagesDone) {
        if (!in.isContinue() || !check.runIsLive(in)) {
            return Optional.empty();
        }
        CheckpointKey model = check.ownKey(in, "checkpoint", in.checkpoint(), in.iteration(), MODEL_STAGES);
        int iteration = in.iteration() + 1;
        var key = new CheckpointKey(in.runId(), iteration, CheckpointKey.RANKED_STAGE);
        Optional<CheckpointManifest> stored = io.store().manifest(key);
        if (stored.isPresent()) {
            check.verified(in, model);
        }
        CheckpointManifest manifest = stored.orElseGet(() -> compute(in, key, iteration, imagesDone));
        if (!check.runIsLive(in)) {
            return Optional.empty();
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("rank", StageExtras.number(manifest, "rank_seconds"));
        return Optional.of(new RanksComputed(PipelineEvent.CURRENT_VERSION, in.runId(), iteration, in.checkpoint(),
                key.prefix(), seconds, in.spec()));
    }

    private CheckpointManifest compute(Evaluated in, CheckpointKey key, int iteration, LongConsumer imagesDone) {
        if (in.spec().rankSourceValue() == RankSource.FINETUNE) {
            var fromFineTuning = rankings.of(check.verified(in, CheckpointKey.parse(in.checkpoint())));
            if (fromFineTuning.isPresent()) {
                FilterRanking ranking = fromFineTuning.get();
                imagesDone.accept(ranking.examples());
                return io.saveJson(key, ranking, in.checkpoint(), "ranker", Map.of("rank_seconds", 0.0,
                        "rank_images", ranking.examples(), "rank_source", RankSource.FINETUNE.key()));
            }
        }
        ConvNet model = io.loadModel(in.checkpoint());
        LabeledImages train = data.forRun(in.spec(), model.input()).train();
        LabeledImages sample = train.shuffled(in.spec().seed() + iteration).take(Math.min(in.spec().rankImages(), train.size()));
        long start = System.nanoTime();
        FilterRanking ranking = FilterRanker.rank(model, sample.iterator(in.spec().batchSize(), false, 0), sample.size(),
                in.spec().rankingOptions(), imagesDone);
        double seconds = (System.nanoTime() - start) / 1e9;
        return io.saveJson(key, ranking, in.checkpoint(), "ranker", Map.of("rank_seconds", seconds,
                "rank_images", sample.size(), "rank_images_per_s", sample.size() / seconds,
                "rank_source", RankSource.SAMPLE.key()));
    }
}
