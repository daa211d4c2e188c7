package dev.prune.service;

import dev.prune.events.BadEventException;
import dev.prune.events.EventCodec;
import dev.prune.events.PipelineEvent;
import dev.prune.events.PipelineTopic;
import dev.prune.runtime.Nd4jRuntime;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one way a service handles an incoming event: count it in, check the record's key is the payload's run, run the
 * work one event per run at a time ({@link RunLocks}), retrying transient faults ({@link FaultRetry}), count and key
 * the output by run id; or count the failure and rethrow it so SmallRye's dead-letter strategy moves the record to
 * {@code <topic>.dlq} with the message as its reason.
 */
@ApplicationScoped
public class EventHandling {
    private static final Logger LOG = Logger.getLogger(EventHandling.class);

    @Inject
    StageMetrics metrics;
    @Inject
    RunLocks runs;
    @Inject
    FaultRetry retry;
    @ConfigProperty(name = "pruning.nd4j.release-garbage-after-event", defaultValue = "true")
    boolean releaseGarbage;

    /**
     * Handles one record of {@code in}: its payload decoded and checked as {@code in}'s event (version, fields, spec;
     * {@link PipelineTopic#decode}), here and nowhere else, then given to {@code work}; its output encoded for
     * {@code out}, keyed by run id. Kafka carries Strings: a payload that does not decode is an exception of the
     * handler, so SmallRye's dead-letter strategy moves the record, as it came, to {@code <in>.dlq} with the reason.
     *
     * @param work given the event, returns the output event, or null when the input needs none (acknowledged,
     *             nothing emitted)
     */
    public <I extends PipelineEvent, O extends PipelineEvent> Record<String, String> handle(
            PipelineTopic<I> in, PipelineTopic<O> out, ConsumerRecord<String, String> record,
            Function<? super I, ? extends O> work) {
        PipelineEvent result = process(in, out, record, work);
        return result == null ? null : Record.of(result.runId(), EventCodec.encode(result));
    }

    /** Handles one record of {@code in} whose consumer publishes nothing in reply (or publishes on its own). */
    public <I extends PipelineEvent> void consume(PipelineTopic<I> in, ConsumerRecord<String, String> record,
                                                  Consumer<? super I> work) {
        process(in, null, record, event -> {
            work.accept(event);
            return null;
        });
    }

    private <I extends PipelineEvent> PipelineEvent process(PipelineTopic<I> in, PipelineTopic<?> out,
                                                            ConsumerRecord<String, String> record,
                                                            Function<? super I, ? extends PipelineEvent> work) {
        String inTopic = in.name();
        metrics.eventIn(inTopic);
        String json = record.value();
        String runId = EventCodec.runIdOf(json);
        try {
            if (record.key() != null && runId != null && !record.key().equals(runId)) {
                throw new BadEventException(runId, inTopic + " record is keyed '" + abbreviated(record.key())
                        + "' but its payload is of run " + runId + "; producers key every event by its run id", null);
            }
            I event = in.decode(json);
            PipelineEvent result = runs.oneAtATime(runId, () -> retry.withRetries(inTopic + " event of run " + runId,
                    () -> work.apply(event)));
            if (result == null) {
                return null;
            }
            if (out != null) {
                metrics.eventOut(out.name());
            }
            return result;
        } catch (RuntimeException e) {
            metrics.eventFailed(inTopic, e.getClass().getSimpleName());
            LOG.warnf("%s event of run %s goes to %s: %s", inTopic, String.valueOf(runId), in.deadLetterTopic(),
                    e.getMessage());
            throw e;
        } finally {
            if (releaseGarbage) {
                Nd4jRuntime.releaseGarbage();
            }
        }
    }

    private static String abbreviated(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "..." : value;
    }
}
