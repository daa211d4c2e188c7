package dev.prune.surgeon;

import dev.prune.events.FiltersPruned;
import dev.prune.events.PipelineTopic;
import dev.prune.events.RanksComputed;
import dev.prune.pipeline.SurgeryStage;
import dev.prune.service.EventHandling;
import dev.prune.service.StageMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * The surgeon service's consumer: ranks-computed -> the lowest-ranked filters cut out (the engine's {@code SurgeryStage}) -> filters-pruned, keyed by run id.
 *
 * <p>Runs on the "surgeon" worker pool; the incoming record is acknowledged only once the outgoing one is
 * written. A bad event (malformed JSON, wrong version, policy out of range, missing or corrupt checkpoint)
 * throws: SmallRye nacks it and the dead-letter-queue strategy moves it to {@code ranks-computed.dlq} with
 * the message as dead-letter-reason. Created at start-up, so ND4J loads (or fails) before the first event.
 */
@Startup
@ApplicationScoped
public class SurgeryConsumer {
    static final String STAGE = "surgery";
    private static final Logger LOG = Logger.getLogger(SurgeryConsumer.class);

    @Inject
    SurgeryStage stage;
    @Inject
    StageMetrics metrics;
    @Inject
    EventHandling events;

    @Incoming(PipelineTopic.Names.RANKS_COMPUTED)
    @Outgoing(PipelineTopic.Names.FILTERS_PRUNED)
    @Blocking(value = "surgeon", ordered = false)
    public Record<String, String> prune(ConsumerRecord<String, String> record) {
        return events.handle(PipelineTopic.RANKS_COMPUTED, PipelineTopic.FILTERS_PRUNED, record, (RanksComputed in) -> {
            FiltersPruned out = metrics.timeStage(STAGE, () -> stage.handle(in)).orElse(null);
            if (out == null) {
                LOG.infof("run %s has ended: its ranks-computed event of iteration %d is dropped", in.runId(), in.iteration());
                return null;
            }
            LOG.infof("run %s iteration %d: %d filters removed, %s filters per layer, at %s", out.runId(), out.iteration(),
                    out.removed().values().stream().mapToInt(f -> f.length).sum(), out.filtersPerLayer(), out.checkpoint());
            return out;
        });
    }
}
