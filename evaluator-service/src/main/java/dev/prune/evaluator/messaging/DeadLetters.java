package dev.prune.evaluator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.evaluator.ledger.RunLedger;
import dev.prune.events.EventCodec;
import dev.prune.service.StageMetrics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;

/**
 * Consumes every pipeline dead-letter topic ({@code <topic>.dlq}) and marks the run FAILED with the
 * {@code dead-letter-reason} header as the reason. The run id is the record key, or else the payload's
 * run_id; a dead letter with neither is only logged and counted.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    public static final String REASON_HEADER = "dead-letter-reason";
    public static final String TOPIC_HEADER = "dead-letter-topic";

    private final RunLedger ledger;
    private final StageMetrics metrics;

    public DeadLetters(RunLedger ledger, StageMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    @Incoming("dead-letters")
    @Blocking
    public void onDeadLetter(ConsumerRecord<String, String> record) {
        String topic = header(record, TOPIC_HEADER);
        if (topic == null) {
            topic = record.topic().endsWith(Topics.DLQ_SUFFIX)
                    ? record.topic().substring(0, record.topic().length() - Topics.DLQ_SUFFIX.length()) : record.topic();
        }
        metrics.eventIn(record.topic());
        metrics.eventFailed(topic, "dead-letter");
        String runId = record.key() != null && !record.key().isBlank() ? record.key() : EventCodec.runIdOf(record.value());
        String reason = header(record, REASON_HEADER);
        if (reason == null || reason.isBlank()) {
            reason = "event sent to " + record.topic() + " without a " + REASON_HEADER + " header";
        }
        if (runId == null) {
            LOG.errorf("dead letter on %s (partition %d, offset %d) names no run; nothing to mark: %s", record.topic(),
                    record.partition(), record.offset(), reason);
            return;
        }
        LOG.warnf("run %s FAILED: %s event dead-lettered: %s", runId, topic, reason);
        try {
            ledger.markFailed(runId, reason, topic, specOf(record.value()));
        } catch (RuntimeException e) {
            // e.g. a run id that breaks the column: record it, never stop consuming dead letters
            LOG.errorf(e, "cannot mark run %s FAILED", runId);
        }
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
