package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Asks the trainer for a base network; the result is stored at runs/{runId}/iter-000/base. */
public record TrainRequested(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("network") String network,
        @JsonProperty("batch_norm") boolean batchNorm,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {
    @Override
    public String eventId() {
        return runId + ":train";
    }
}
