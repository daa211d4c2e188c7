package dev.prune.trainer;

import dev.prune.events.EventCodec;
import dev.prune.events.FiltersPruned;
import dev.prune.events.Finetuned;
import dev.prune.events.TrainRequested;
import dev.prune.events.Trained;
import dev.prune.pipeline.FineTuneStage;
import dev.prune.pipeline.TrainStage;
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
 * filters-pruned -> fine-tuned model -> finetuned, and train-requested -> base network -> trained, keyed by run id.
 *
 * <p>Each runs on its own worker pool ("finetune", "train"), so the Kafka poll loops go on while a training
 * takes minutes and a long base training does not hold up fine-tuning. The incoming record is acknowledged only
 * once the outgoing one is written. A bad event (malformed JSON, wrong version, policy out of range, missing or
 * corrupt checkpoint) throws: SmallRye nacks it and the dead-letter-queue strategy moves it to
 * {@code <topic>.dlq} with the message as dead-letter-reason. Created at start-up, so ND4J loads (or fails)
 * before the first event.
 */
@Startup
@ApplicationScoped
public class Trainer {
    static final String FINETUNE_IN = "filters-pruned";
    static final String FINETUNE_OUT = "finetuned";
    static final String TRAIN_IN = "train-requested";
    static final String TRAIN_OUT = "trained";
    private static final Logger LOG = Logger.getLogger(Trainer.class);

    @Inject
    FineTuneStage fineTune;
    @Inject
    TrainStage train;
    @Inject
    StageMetrics metrics;
    @Inject
    EventHandling events;

    @Incoming(FINETUNE_IN)
    @Outgoing(FINETUNE_OUT)
    @Blocking(value = "finetune", ordered = false)
    public Record<String, String> fineTune(ConsumerRecord<String, String> record) {
        return events.handle(FINETUNE_IN, FINETUNE_OUT, record, json -> {
            FiltersPruned in = EventCodec.decode(json, FiltersPruned.class);
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

    @Incoming(TRAIN_IN)
    @Outgoing(TRAIN_OUT)
    @Blocking(value = "train", ordered = false)
    public Record<String, String> train(ConsumerRecord<String, String> record) {
        return events.handle(TRAIN_IN, TRAIN_OUT, record, json -> {
            TrainRequested in = EventCodec.decode(json, TrainRequested.class);
            Trained out = metrics.timeStage("train",
                    () -> train.handle(in, report -> metrics.imagesPerSecond("train", report.imagesPerSecond())));
            LOG.infof("run %s: base network %s trained at %s in %.1f s", out.runId(), in.network(), out.checkpoint(),
                    out.trainSeconds());
            return out;
        });
    }
}
