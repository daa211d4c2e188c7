package dev.prune.ranker;

import dev.prune.events.Evaluated;
import dev.prune.events.PipelineTopic;
import dev.prune.events.RanksComputed;
import dev.prune.pipeline.RankStage;
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
 * The ranker service's consumer: evaluated (decision CONTINUE) -> Taylor ranks (the engine's {@code RankStage}) of the next iteration -> ranks-computed, keyed by run id.
 *
 * <p>Runs on the "ranker" worker pool (several runs at once, see application.properties), so the Kafka
 * poll loop goes on while a ranking takes minutes. The incoming record is acknowledged only once the
 * outgoing one is written; a STOP verdict is acknowledged with no output. A bad event (malformed JSON,
 * wrong version, policy out of range, missing or corrupt checkpoint) throws: SmallRye nacks it and the
 * dead-letter-queue strategy moves it to {@code evaluated.dlq} with the message as dead-letter-reason.
 * Created at start-up, so ND4J's native libraries load (or fail) before the first event.
 */
@Startup
@ApplicationScoped
public class RankConsumer {
    static final String STAGE = "rank";
    private static final Logger LOG = Logger.getLogger(RankConsumer.class);

    @Inject
    RankStage stage;
    @Inject
    StageMetrics metrics;
    @Inject
    EventHandling events;

    @Incoming(PipelineTopic.Names.EVALUATED)
    @Outgoing(PipelineTopic.Names.RANKS_COMPUTED)
    @Blocking(value = "ranker", ordered = false)
    public Record<String, String> rank(ConsumerRecord<String, String> record) {
        return events.handle(PipelineTopic.EVALUATED, PipelineTopic.RANKS_COMPUTED, record, (Evaluated in) -> {
            if (!in.isContinue()) {
                LOG.infof("run %s stopped at iteration %d (%s): nothing to rank", in.runId(), in.iteration(), in.reason());
                return null;
            }
            ImageRate rate = new ImageRate(metrics, STAGE);
            RanksComputed out = metrics.timeStage(STAGE, () -> stage.handle(in, rate::imagesDone)).orElse(null);
            if (out == null) {
                LOG.infof("run %s has ended: its evaluated event of iteration %d is dropped", in.runId(), in.iteration());
                return null;
            }
            LOG.infof("run %s iteration %d: ranks at %s", out.runId(), out.iteration(), out.ranksCheckpoint());
            return out;
        });
    }

    /** Turns the ranker's cumulative image count into the images/s gauge. */
    static final class ImageRate {
        private final StageMetrics metrics;
        private final String stage;
        private final long start = System.nanoTime();

        ImageRate(StageMetrics metrics, String stage) {
            this.metrics = metrics;
            this.stage = stage;
        }

        void imagesDone(long images) {
            double seconds = (System.nanoTime() - start) / 1e9;
            if (seconds > 0) {
                metrics.imagesPerSecond(stage, images / seconds);
            }
        }
    }
}
