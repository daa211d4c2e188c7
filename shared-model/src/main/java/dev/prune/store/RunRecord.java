package dev.prune.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * What {@code runs/{runId}/run.json} holds: the run's state and, once it ended, why. Unlike checkpoints it is
 * rewritten as the run moves on; only the evaluator writes it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(
        @JsonProperty("run_id") String runId,
        @JsonProperty("state") RunState state,
        @JsonProperty("reason") String reason,
        @JsonProperty("updated_at") String updatedAt) {

    public RunRecord {
        CheckpointKey.runPrefix(runId);
        Objects.requireNonNull(state, "state");
    }

    public String objectKey() {
        return CheckpointKey.runPrefix(runId) + CheckpointKey.RUN_FILE;
    }
}
