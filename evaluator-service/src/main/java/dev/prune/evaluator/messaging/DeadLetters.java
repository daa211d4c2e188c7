package dev.prune.evaluator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.evaluator.ledger.RunLedger;
import dev.prune.events.EventCodec;
import dev.prune.events.PipelineTopic;
import dev.prune.service.StageMetrics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.prune.evaluator.ledger.RunRecords;
import dev.prune.evaluator.ledger.RunStatus;
import dev.prune.service.FaultRetry;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Consumes every pipeline dead-letter topic ({@link PipelineTopic#deadLetterTopics()}; the list in application.properties,
 * checked against it by deploy-tests) and marks the run FAILED with the
 * {@code dead-letter-reason} header as the reason. The run id is the record key, or else the payload's
 * run_id; a dead letter with neither is only logged and counted.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    public static final String REASON_HEADER = "dead-letter-reason";
    public static final String TOPIC_HEADER = "dead-letter-topic";

    private final RunLedger ledger;
    private final RunRecords records;
    private final StageMetrics metrics;
    private final FaultRetry retry;
    private final int maxAttempts;
    private final Duration maxDuration;

    public DeadLetters(RunLedger ledger, RunRecords records, StageMetrics metrics, FaultRetry retry,
                       @ConfigProperty(name = "evaluator.dead-letters.max-attempts", defaultValue = "100") int maxAttempts,
                       @ConfigProperty(name = "evaluator.dead-letters.max-duration", defaultValue = "PT30M")
                       Duration maxDuration) {
        this.ledger = ledger;
        this.records = records;
        this.metrics = metrics;
        this.retry = retry;
        this.maxAttempts = maxAttempts;
        this.maxDuration = maxDuration;
    }

    @Incoming("dead-letters")
    @Blocking
    public void onDeadLetter(ConsumerRecord<String, String> record) {
        String topic = header(record, TOPIC_HEADER);
        if (topic == null) {
            topic = PipelineTopic.ofDeadLetterTopic(record.topic()).map(PipelineTopic::name).orElse(record.topic());
        }
        metrics.eventIn(record.topic());
        metrics.eventFailed(topic, "dead-letter");
        String runId = record.key() != null && !record.key().isBlank() ? record.key() : EventCodec.runIdOf(record.value());
        String reason = header(record, REASON_HEADER);
        if (reason == null || reason.isBlank() || header(record, TOPIC_HEADER) == null) {
            // only SmallRye's dead-letter strategy in a stage writes both headers: anything else changes no run
            LOG.warnf("record on %s (partition %d, offset %d, key %s) is no stage's dead letter (no %s / %s header); "
                    + "no run is changed", record.topic(), record.partition(), record.offset(), abbreviated(record.key()),
                    REASON_HEADER, TOPIC_HEADER);
            return;
        }
        if (runId == null) {
            LOG.errorf("dead letter on %s (partition %d, offset %d) names no run; nothing to mark: %s", record.topic(),
                    record.partition(), record.offset(), reason);
            return;
        }
        String failedTopic = topic;
        String why = reason;
        boolean changed;
        try {
            // never acknowledged before it is recorded: a database away is waited for (bounded, then the channel fails
            // and the record is redelivered after a restart)
            changed = retry.withRetries("recording the dead letter of run " + runId, () -> {
                boolean marked = ledger.markFailed(runId, why, failedTopic, specOf(record.value()));
                if (marked) {
                    records.write(runId, RunStatus.FAILED, why);
                    metrics.removeRunGauges(runId);
                }
                return marked;
            }, maxAttempts, maxDuration);
        } catch (FaultRetry.RetriesExhaustedException e) {
            throw e;
        } catch (RuntimeException e) {
            // e.g. a run id that breaks the column: bad input, record it, never stop consuming dead letters
            LOG.errorf(e, "cannot mark run %s FAILED", runId);
            return;
        }
        if (changed) {
            LOG.warnf("run %s FAILED: %s event dead-lettered: %s", runId, topic, reason);
        } else {
            LOG.infof("dead letter of run %s on %s changes nothing: the run is unknown or has ended (%s)", runId, topic,
                    reason);
        }
    }

    private static String abbreviated(String value) {
        return value == null || value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The spec of a dead-lettered event, as JSON, when its payload carries a readable one. */
    private static String specOf(String payload) {
        try {
            JsonNode spec = payload == null ? null : EventCodec.json().readTree(payload).get("spec");
            return spec != null && spec.isObject() ? spec.toString() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
