package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A base network is stored at {@code checkpoint}. */
public record Trained(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("checkpoint") String checkpoint,
        @JsonProperty("train_seconds") double trainSeconds,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {
    @Override
    public String eventId() {
        return runId + ":trained";
    }
}
