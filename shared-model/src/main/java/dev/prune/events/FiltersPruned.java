package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** The cut of {@code iteration}: which filters went, and the smaller model's checkpoint. */
public record FiltersPruned(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("iteration") int iteration,
        @JsonProperty("parent_checkpoint") String parentCheckpoint,
        @JsonProperty("checkpoint") String checkpoint,
        @JsonProperty("removed") Map<String, int[]> removed,
        @JsonProperty("filters_per_layer") Map<String, Integer> filtersPerLayer,
        @JsonProperty("params") long params,
        @JsonProperty("conv_flops") long convFlops,
        @JsonProperty("stage_seconds") Map<String, Double> stageSeconds,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {
    @Override
    public String eventId() {
        return runId + ":" + iteration + ":pruned";
    }
}
