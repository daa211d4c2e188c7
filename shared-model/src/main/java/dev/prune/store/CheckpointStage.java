package dev.prune.store;

import java.util.List;

/**
 * The checkpoint stages of one pruning iteration, the {@code {stage}} of {@code runs/{run}/iter-{NNN}/{stage}/}, in
 * the order they run. The pipeline's other half, its topics and their events, is {@link dev.prune.events.PipelineTopic};
 * this half lives with the store so the store's keys need nothing above it.
 */
public final class CheckpointStage {
    /** The network a run starts from (iteration 0), stored before start-pruning names it. */
    public static final String BASE = "base";
    /** The filter ranking of an iteration (ranks.json, not a model), written by the ranker. */
    public static final String RANKED = "ranked";
    /** The network with an iteration's filters cut out, written by the surgeon. */
    public static final String PRUNED = "pruned";
    /** The pruned network after fine-tuning, written by the trainer; the next iteration ranks it. */
    public static final String FINETUNED = "finetuned";
    /**
     * The ranking the fine-tuning took on its last steps (rank_source finetune; ranks.json), written by the trainer
     * after the fine-tuned model and naming its sha256; the next iteration's ranker reads it.
     */
    public static final String FINETUNE_RANKING = "finetune-ranking";
    /** Every stage, in pipeline order. */
    public static final List<String> IN_ORDER = List.of(BASE, RANKED, PRUNED, FINETUNED, FINETUNE_RANKING);

    private CheckpointStage() {
    }
}
