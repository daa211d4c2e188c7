package dev.prune.evaluator.messaging;

import dev.prune.events.EventCodec;
import dev.prune.events.PipelineTopic;
import dev.prune.events.StartPruning;
import dev.prune.service.StageMetrics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.time.Duration;

/** Publishes start-pruning events (keyed by run id) for runs started over REST. */
@ApplicationScoped
public class StartPruningPublisher {
    @Inject
    @Channel("start-pruning-requests")
    MutinyEmitter<Record<String, String>> emitter;

    @Inject
    StageMetrics metrics;

    @ConfigProperty(name = "evaluator.publish-timeout", defaultValue = "PT60S")
    Duration timeout;

    public void publish(StartPruning event) {
        emitter.send(Record.of(event.runId(), EventCodec.encode(event))).await().atMost(timeout);
        metrics.eventOut(PipelineTopic.START_PRUNING.name());
    }
}
