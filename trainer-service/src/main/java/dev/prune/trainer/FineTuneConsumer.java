package dev.prune.trainer;

import dev.prune.events.FiltersPruned;
import dev.prune.events.Finetuned;
import dev.prune.events.PipelineTopic;
import dev.prune.pipeline.FineTuneStage;
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
 * The trainer service's consumer: filters-pruned -> fine-tuned model (the engine's {@code FineTuneStage}) ->
 * finetuned, keyed by run id.
 *
 * <p>Runs on the "finetune" worker pool, so the Kafka poll loop goes on while a fine-tuning takes minutes. The
 * incoming record is acknowledged only once the outgoing one is written. A bad event (malformed JSON, wrong version,
 * policy out of range, missing or corrupt checkpoint) throws: SmallRye nacks it and the dead-letter-queue strategy
 * moves it to {@code filters-pruned.dlq} with the message as dead-letter-reason. Created at start-up, so ND4J loads
 * (or fails) before the first event.
 */
@Startup
@ApplicationScoped
public class FineTuneConsumer {
    private static final Logger LOG = Logger.getLogger(FineTuneConsumer.class);

    @Inject
    FineTuneStage fineTune;
    @Inject
    StageMetrics metrics;
    @Inject
    EventHandling events;

    @Incoming(PipelineTopic.Names.FILTERS_PRUNED)
    @Outgoing(PipelineTopic.Names.FINETUNED)
    @Blocking(value = "finetune", ordered = false)
    public Record<String, String> fineTune(ConsumerRecord<String, String> record) {
        return events.handle(PipelineTopic.FILTERS_PRUNED, PipelineTopic.FINETUNED, record, (FiltersPruned in) -> {
            Finetuned out = metrics.timeStage("finetune",
                    () -> fineTune.handle(in, report -> metrics.imagesPerSecond("finetune", report.imagesPerSecond())))
                    .orElse(null);
            if (out == null) {
                LOG.infof("run %s has ended: its filters-pruned event of iteration %d is dropped", in.runId(), in.iteration());
                return null;
            }
            LOG.infof("run %s iteration %d: fine-tuned at %s (%.1f images/s)", out.runId(), out.iteration(), out.checkpoint(),
                    out.fineTuneImagesPerSecond());
            return out;
        });
    }
}
