package dev.prune.events;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pipeline's topics: each one's name, the event it carries and its dead-letter topic ({@code <topic>.dlq}). The
 * one definition that the services' channels, the evaluator's dead-letter consumer, the local runner and the deploy
 * files' test read (with {@link dev.prune.store.CheckpointStage}, the checkpoint stages). {@link Names} holds the
 * names as compile-time constants, for SmallRye's {@code @Incoming}, {@code @Outgoing} and {@code @Channel}.
 *
 * <pre>
 * start-pruning -> evaluator -> evaluated -> ranker -> ranks-computed -> surgeon -> filters-pruned -> trainer
 *     -> finetuned -> evaluator -> evaluated ...
 * </pre>
 *
 * @param name      the Kafka topic (also the channel name in each service's application.properties)
 * @param eventType the record its values decode to ({@link #decode})
 */
public record PipelineTopic<T extends PipelineEvent>(String name, Class<T> eventType) {
    public static final String DLQ_SUFFIX = ".dlq";

    /** The topic names as constants (annotation values must be compile-time constants). */
    public static final class Names {
        public static final String START_PRUNING = "start-pruning";
        public static final String EVALUATED = "evaluated";
        public static final String RANKS_COMPUTED = "ranks-computed";
        public static final String FILTERS_PRUNED = "filters-pruned";
        public static final String FINETUNED = "finetuned";

        private Names() {
        }
    }

    /** A run asked for (the REST API or a producer) -> the evaluator registers it and measures the base. */
    public static final PipelineTopic<StartPruning> START_PRUNING = new PipelineTopic<>(Names.START_PRUNING, StartPruning.class);
    /** The evaluator's verdict on an iteration -> the ranker (CONTINUE). */
    public static final PipelineTopic<Evaluated> EVALUATED = new PipelineTopic<>(Names.EVALUATED, Evaluated.class);
    /** The ranker's ranking -> the surgeon. */
    public static final PipelineTopic<RanksComputed> RANKS_COMPUTED = new PipelineTopic<>(Names.RANKS_COMPUTED, RanksComputed.class);
    /** The surgeon's pruned network -> the trainer. */
    public static final PipelineTopic<FiltersPruned> FILTERS_PRUNED = new PipelineTopic<>(Names.FILTERS_PRUNED, FiltersPruned.class);
    /** The trainer's fine-tuned network -> the evaluator. */
    public static final PipelineTopic<Finetuned> FINETUNED = new PipelineTopic<>(Names.FINETUNED, Finetuned.class);
    /** Every topic, in pipeline order. */
    public static final List<PipelineTopic<?>> ALL = List.of(START_PRUNING, EVALUATED, RANKS_COMPUTED, FILTERS_PRUNED, FINETUNED);

    public PipelineTopic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(eventType, "eventType");
    }

    /** {@code <topic>.dlq}: where a consumer of this topic puts an event it cannot process, with the reason. */
    public String deadLetterTopic() {
        return name + DLQ_SUFFIX;
    }

    /** The payload as this topic's event, checked in full ({@link EventCodec#decode}); a bad one throws {@link BadEventException}. */
    public T decode(String json) {
        return EventCodec.decode(json, eventType);
    }

    public static Optional<PipelineTopic<?>> named(String name) {
        return ALL.stream().filter(t -> t.name.equals(name)).<PipelineTopic<?>>map(t -> t).findFirst();
    }

    /** The topic whose dead-letter topic {@code deadLetterTopic} is. */
    public static Optional<PipelineTopic<?>> ofDeadLetterTopic(String deadLetterTopic) {
        return ALL.stream().filter(t -> t.deadLetterTopic().equals(deadLetterTopic)).<PipelineTopic<?>>map(t -> t).findFirst();
    }

    /** Every topic's name, in pipeline order. */
    public static List<String> names() {
        return ALL.stream().map(PipelineTopic::name).toList();
    }

    /** Every dead-letter topic, in pipeline order. */
    public static List<String> deadLetterTopics() {
        return ALL.stream().map(PipelineTopic::deadLetterTopic).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
