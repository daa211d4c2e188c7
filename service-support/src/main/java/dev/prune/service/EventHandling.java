package dev.prune.service;

import dev.prune.events.EventCodec;
import dev.prune.events.PipelineEvent;
import dev.prune.runtime.Nd4jRuntime;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * The one way a stage service handles an incoming event: count it in, run the work, count and key
 * the output by run id, or count the failure and rethrow it so SmallRye's dead-letter strategy
 * moves the record to {@code <topic>.dlq} with the message as its reason.
 */
@ApplicationScoped
public class EventHandling {
    private static final Logger LOG = Logger.getLogger(EventHandling.class);

    @Inject
    StageMetrics metrics;
    @ConfigProperty(name = "pruning.nd4j.release-garbage-after-event", defaultValue = "true")
    boolean releaseGarbage;

    /** @param work returns the output event, or null when the input needs none (acknowledged, nothing emitted) */
    public Record<String, String> handle(String inTopic, String outTopic, String json, Supplier<? extends PipelineEvent> work) {
        metrics.eventIn(inTopic);
        try {
            PipelineEvent out = work.get();
            if (out == null) {
                return null;
            }
            metrics.eventOut(outTopic);
            return Record.of(out.runId(), EventCodec.encode(out));
        } catch (RuntimeException e) {
            metrics.eventFailed(inTopic, e.getClass().getSimpleName());
            LOG.warnf("%s event of run %s goes to %s.dlq: %s", inTopic, String.valueOf(EventCodec.runIdOf(json)), inTopic,
                    e.getMessage());
            throw e;
        } finally {
            if (releaseGarbage) {
                Nd4jRuntime.releaseGarbage();
            }
        }
    }
}
