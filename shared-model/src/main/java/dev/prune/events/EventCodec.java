package dev.prune.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune.error.PruningException;

/** JSON encoding of events, with version and field checks on the way in. */
public final class EventCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private EventCodec() {
    }

    public static String encode(PipelineEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public static <T extends PipelineEvent> T decode(String json, Class<T> type) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadEventException(null, "malformed JSON in " + type.getSimpleName() + " event: "
                    + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new BadEventException(null, type.getSimpleName() + " event is not a JSON object", null);
        }
        String runId = tree.hasNonNull("run_id") ? tree.get("run_id").asText() : null;
        if (runId == null || runId.isBlank()) {
            throw new BadEventException(null, type.getSimpleName() + " event has no run_id", null);
        }
        int version = tree.path("version").asInt(-1);
        if (version != PipelineEvent.CURRENT_VERSION) {
            throw new BadEventException(runId, type.getSimpleName() + " event has version " + tree.path("version")
                    + "; this service reads version " + PipelineEvent.CURRENT_VERSION + ": upgrade the producer or this service", null);
        }
        T event;
        try {
            event = JSON.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new BadEventException(runId, "invalid " + type.getSimpleName() + " event: " + e.getOriginalMessage(), e);
        }
        RunSpec spec = event.spec();
        if (spec == null) {
            throw new BadEventException(runId, type.getSimpleName() + " event has no spec", null);
        }
        try {
            spec.validated();
        } catch (PruningException e) {
            throw new BadEventException(runId, "policy out of range in " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        return event;
    }

    /** Best-effort run id of a payload that may not even parse, for failure reports. */
    public static String runIdOf(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node != null && node.hasNonNull("run_id") ? node.get("run_id").asText() : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
