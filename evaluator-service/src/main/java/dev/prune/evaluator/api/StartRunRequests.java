package dev.prune.evaluator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune.error.PruningException;
import dev.prune.events.EventCodec;
import dev.prune.events.RunSpec;
import dev.prune.store.CheckpointKey;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the body of POST /runs: {@code {"run_id": optional, "base_checkpoint": "runs/x/iter-000/base/",
 * "spec": {...}}}. Spec fields that are left out take {@link RunSpec#defaults()}; unknown fields and
 * values out of range are rejected with a message naming the field.
 */
public final class StartRunRequests {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private StartRunRequests() {
    }

    /** A request that failed validation; the message is shown to the caller as is. */
    public static final class InvalidRequest extends RuntimeException {
        public InvalidRequest(String message) {
            super(message);
        }
    }

    record StartRun(String runId, CheckpointKey baseCheckpoint, RunSpec spec) {
    }

    static StartRun read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest("the body must be a JSON object: {\"run_id\": optional, \"base_checkpoint\": "
                    + "\"runs/<run>/iter-000/base/\", \"spec\": {...}}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("run_id", "base_checkpoint", "spec").contains(name)) {
                throw new InvalidRequest("unknown field '" + name + "'; the body has run_id (optional), base_checkpoint and spec");
            }
        }
        String runId = text(body, "run_id");
        if (runId == null) {
            runId = newRunId();
        }
        try {
            CheckpointKey.runPrefix(runId);
        } catch (PruningException e) {
            throw new InvalidRequest("run_id: " + e.getMessage());
        }
        String base = text(body, "base_checkpoint");
        if (base == null) {
            throw new InvalidRequest("base_checkpoint is missing: give the checkpoint of the trained network, "
                    + "e.g. runs/<run>/iter-000/base/ (./pruning base --run <run> stores one there)");
        }
        CheckpointKey key;
        try {
            key = CheckpointKey.parse(base);
        } catch (PruningException e) {
            throw new InvalidRequest("base_checkpoint: " + e.getMessage());
        }
        return new StartRun(runId, key, spec(body.get("spec")));
    }

    /** The defaults overlaid with the given fields, validated. */
    static RunSpec spec(JsonNode given) {
        ObjectNode merged = EventCodec.json().valueToTree(RunSpec.defaults());
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw new InvalidRequest("spec must be a JSON object with the run's settings (fields: " + fieldNames(merged) + ")");
            }
            for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!merged.has(name)) {
                    throw new InvalidRequest("unknown spec field '" + name + "'; known fields: " + fieldNames(merged));
                }
                merged.set(name, given.get(name));
            }
        }
        RunSpec spec;
        try {
            spec = EventCodec.json().treeToValue(merged, RunSpec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidRequest("spec is not readable: " + e.getOriginalMessage());
        }
        try {
            return spec.validated();
        } catch (PruningException e) {
            throw new InvalidRequest("invalid spec: " + e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidRequest(field + " must be a non-empty string");
        }
        return node.asText().strip();
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String newRunId() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return "run-" + ZonedDateTime.now(ZoneOffset.UTC).format(RUN_TIME) + "-" + HexFormat.of().formatHex(random);
    }
}
