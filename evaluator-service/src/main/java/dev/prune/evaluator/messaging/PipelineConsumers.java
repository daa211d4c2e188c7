package dev.prune.evaluator.messaging;

import dev.prune.evaluator.Evaluator;
import dev.prune.events.EventCodec;
import dev.prune.events.Finetuned;
import dev.prune.events.StartPruning;
import dev.prune.service.EventHandling;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The evaluator's inputs. Work runs on the "evaluator-stage" worker pool (not the Kafka poll thread),
 * so a minutes-long measurement never stalls polling. An exception nacks the record, which the
 * dead-letter-queue failure strategy sends to {@code <topic>.dlq} with the reason in a header; the
 * consumer goes on with the next record. (trained events are not consumed: a base network matters
 * to the evaluator only once a start-pruning event names it.)
 */
@ApplicationScoped
public class PipelineConsumers {
    static final String WORKER_POOL = "evaluator-stage";

    private final Evaluator evaluator;
    private final EventHandling events;

    public PipelineConsumers(Evaluator evaluator, EventHandling events) {
        this.evaluator = evaluator;
        this.events = events;
    }

    @Incoming("start-pruning")
    @Blocking(value = WORKER_POOL, ordered = false)
    public void onStartPruning(ConsumerRecord<String, String> record) {
        handle(Topics.START_PRUNING, record, payload -> evaluator.start(EventCodec.decode(payload, StartPruning.class)));
    }

    @Incoming("finetuned")
    @Blocking(value = WORKER_POOL, ordered = false)
    public void onFinetuned(ConsumerRecord<String, String> record) {
        handle(Topics.FINETUNED, record, payload -> evaluator.finetuned(EventCodec.decode(payload, Finetuned.class)));
    }

    /** The evaluator publishes through its own publishers, so the shared handling runs with no output event. */
    private void handle(String topic, ConsumerRecord<String, String> record, java.util.function.Consumer<String> work) {
        events.handle(topic, null, record, payload -> {
            work.accept(payload);
            return null;
        });
    }
}
