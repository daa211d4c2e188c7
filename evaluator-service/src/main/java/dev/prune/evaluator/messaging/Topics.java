package dev.prune.evaluator.messaging;

import java.util.List;

/** Topic names of the pipeline (see DESIGN.md) and their dead-letter topics ({@code <topic>.dlq}). */
public final class Topics {
    public static final String START_PRUNING = "start-pruning";
    public static final String EVALUATED = "evaluated";
    public static final String RANKS_COMPUTED = "ranks-computed";
    public static final String FILTERS_PRUNED = "filters-pruned";
    public static final String FINETUNED = "finetuned";
    public static final List<String> PIPELINE = List.of(START_PRUNING, EVALUATED, RANKS_COMPUTED, FILTERS_PRUNED, FINETUNED);
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
