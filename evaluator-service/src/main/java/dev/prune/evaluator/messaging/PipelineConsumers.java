package dev.prune.evaluator.messaging;

import dev.prune.evaluator.Evaluator;
import dev.prune.events.EventCodec;
import dev.prune.events.Finetuned;
import dev.prune.events.StartPruning;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.service.StageMetrics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The evaluator's inputs. Work runs on the "evaluator-stage" worker pool (not the Kafka poll thread),
 * so a minutes-long measurement never stalls polling. An exception nacks the record, which the
 * dead-letter-queue failure strategy sends to {@code <topic>.dlq} with the reason in a header; the
 * consumer goes on with the next record. (trained events are not consumed: a base network matters
 * to the evaluator only once a start-pruning event names it.)
 */
@ApplicationScoped
public class PipelineConsumers {
    private static final Logger LOG = Logger.getLogger(PipelineConsumers.class);
    static final String WORKER_POOL = "evaluator-stage";

    private final Evaluator evaluator;
    private final StageMetrics metrics;

    private final boolean releaseGarbage;

    public PipelineConsumers(Evaluator evaluator, StageMetrics metrics,
                             @ConfigProperty(name = "pruning.nd4j.release-garbage-after-event", defaultValue = "true")
                             boolean releaseGarbage) {
        this.evaluator = evaluator;
        this.metrics = metrics;
        this.releaseGarbage = releaseGarbage;
    }

    @Incoming("start-pruning")
    @Blocking(value = WORKER_POOL, ordered = false)
    public void onStartPruning(String payload) {
        handle(Topics.START_PRUNING, () -> evaluator.start(EventCodec.decode(payload, StartPruning.class)));
    }

    @Incoming("finetuned")
    @Blocking(value = WORKER_POOL, ordered = false)
    public void onFinetuned(String payload) {
        handle(Topics.FINETUNED, () -> evaluator.finetuned(EventCodec.decode(payload, Finetuned.class)));
    }

    private void handle(String topic, Runnable work) {
        metrics.eventIn(topic);
        try {
            work.run();
        } catch (RuntimeException e) {
            metrics.eventFailed(topic, e.getClass().getSimpleName());
            LOG.errorf("%s event failed, sending it to %s: %s", topic, Topics.dlq(topic), e.getMessage());
            throw e;
        } finally {
            if (releaseGarbage) {
                Nd4jRuntime.releaseGarbage();
            }
        }
    }
}
