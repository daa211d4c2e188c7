package dev.prune.service;

import dev.prune.events.BadEventException;
import dev.prune.events.EventCodec;
import dev.prune.events.PipelineEvent;
import dev.prune.runtime.Nd4jRuntime;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

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
     * @param work given the payload, returns the output event, or null when the input needs none (acknowledged,
     *             nothing emitted)
     */
    public Record<String, String> handle(String inTopic, String outTopic, ConsumerRecord<String, String> record,
                                         Function<String, ? extends PipelineEvent> work) {
        metrics.eventIn(inTopic);
        String json = record.value();
        String runId = EventCodec.runIdOf(json);
        try {
            if (record.key() != null && runId != null && !record.key().equals(runId)) {
                throw new BadEventException(runId, inTopic + " record is keyed '" + abbreviated(record.key())
                        + "' but its payload is of run " + runId + "; producers key every event by its run id", null);
            }
            PipelineEvent out = runs.oneAtATime(runId, () -> retry.withRetries(inTopic + " event of run " + runId,
                    () -> work.apply(json)));
            if (out == null) {
                return null;
            }
            metrics.eventOut(outTopic);
            return Record.of(out.runId(), EventCodec.encode(out));
        } catch (RuntimeException e) {
            metrics.eventFailed(inTopic, e.getClass().getSimpleName());
            LOG.warnf("%s event of run %s goes to %s.dlq: %s", inTopic, String.valueOf(runId), inTopic, e.getMessage());
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
