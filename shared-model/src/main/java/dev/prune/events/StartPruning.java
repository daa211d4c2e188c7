package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Asks for a pruning run of the model stored at {@code baseCheckpoint} (a checkpoint key prefix). */
public record StartPruning(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("base_checkpoint") String baseCheckpoint,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {
    @Override
    public String eventId() {
        return runId + ":start";
    }
}
