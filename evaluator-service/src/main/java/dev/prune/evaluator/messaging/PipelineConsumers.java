package dev.prune.evaluator.messaging;

import dev.prune.evaluator.EvaluationService;
import dev.prune.events.PipelineTopic;
import dev.prune.service.EventHandling;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The evaluator's inputs. Work runs on the "evaluator-stage" worker pool (not the Kafka poll thread),
 * so a minutes-long measurement never stalls polling. An exception nacks the record, which the
 * dead-letter-queue failure strategy sends to {@code <topic>.dlq} with the reason in a header; the
 * consumer goes on with the next record.
 */
@ApplicationScoped
public class PipelineConsumers {
    static final String WORKER_POOL = "evaluator-stage";

    private final EvaluationService evaluation;
    private final EventHandling events;

    public PipelineConsumers(EvaluationService evaluation, EventHandling events) {
        this.evaluation = evaluation;
        this.events = events;
    }

    @Incoming(PipelineTopic.Names.START_PRUNING)
    @Blocking(value = WORKER_POOL, ordered = false)
    public void onStartPruning(ConsumerRecord<String, String> record) {
        events.consume(PipelineTopic.START_PRUNING, record, evaluation::start);
    }

    @Incoming(PipelineTopic.Names.FINETUNED)
    @Blocking(value = WORKER_POOL, ordered = false)
    public void onFinetuned(ConsumerRecord<String, String> record) {
        events.consume(PipelineTopic.FINETUNED, record, evaluation::finetuned);
    }
}
