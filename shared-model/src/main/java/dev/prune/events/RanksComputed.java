package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** Ranks for the cut that produces {@code iteration}, stored at {@code ranksCheckpoint}. */
public record RanksComputed(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("iteration") int iteration,
        @JsonProperty("model_checkpoint") String modelCheckpoint,
        @JsonProperty("ranks_checkpoint") String ranksCheckpoint,
        @JsonProperty("stage_seconds") Map<String, Double> stageSeconds,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {
    @Override
    public String eventId() {
        return runId + ":" + iteration + ":ranked";
    }
}
