package dev.prune.evaluator.messaging;

import dev.prune.events.PipelineTopic;
import dev.prune.service.StageMetrics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.time.Duration;

/** Publishes evaluated events keyed by run id and waits for the broker's acknowledgement. */
@ApplicationScoped
public class EvaluatedPublisher {
    @Inject
    @Channel(PipelineTopic.Names.EVALUATED)
    MutinyEmitter<Record<String, String>> emitter;

    @Inject
    StageMetrics metrics;

    @ConfigProperty(name = "evaluator.publish-timeout", defaultValue = "PT60S")
    Duration timeout;

    public void publish(String runId, String evaluatedJson) {
        emitter.send(Record.of(runId, evaluatedJson)).await().atMost(timeout);
        metrics.eventOut(PipelineTopic.EVALUATED.name());
    }
}
