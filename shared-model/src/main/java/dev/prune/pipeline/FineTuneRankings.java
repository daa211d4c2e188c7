package dev.prune.pipeline;

import dev.prune.rank.FilterRanking;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;

import java.util.Map;
import java.util.Optional;

/**
 * The ranking a fine-tuning gathered on its last steps (rank_source finetune): an artifact of its own,
 * {@code runs/{run}/iter-{n}/finetune-ranking/}, written by the trainer after the fine-tuned model and read by the next
 * ranking. It names the sha256 of the model it was taken on, so a ranking is only ever used with its own model: after a
 * crash between the two writes, or when a duplicate's model lost the race, the ranker finds none that matches and
 * samples instead.
 */
final class FineTuneRankings {
    private static final String MODEL_SHA256 = "model_sha256";
    private final CheckpointIO io;

    FineTuneRankings(CheckpointIO io) {
        this.io = io;
    }

    static CheckpointKey keyOf(CheckpointKey tuned) {
        return new CheckpointKey(tuned.runId(), tuned.iteration(), CheckpointKey.FINETUNE_RANKING_STAGE);
    }

    void write(CheckpointManifest tunedModel, FilterRanking ranking) {
        io.saveJson(keyOf(tunedModel.checkpointKey()), ranking, tunedModel.key(), "trainer",
                Map.of(MODEL_SHA256, tunedModel.sha256()));
    }

    /** The ranking taken on exactly this (verified) fine-tuned model, if one was stored. */
    Optional<FilterRanking> of(CheckpointManifest tunedModel) {
        CheckpointKey key = keyOf(tunedModel.checkpointKey());
        return io.store().manifest(key)
                .filter(ranking -> tunedModel.sha256().equals(ranking.extra().get(MODEL_SHA256)))
                .map(ranking -> io.loadJson(key.prefix(), FilterRanking.class));
    }
}
