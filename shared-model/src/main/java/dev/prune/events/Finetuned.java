package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** The fine-tuned model of {@code iteration}. */
public record Finetuned(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("iteration") int iteration,
        @JsonProperty("parent_checkpoint") String parentCheckpoint,
        @JsonProperty("checkpoint") String checkpoint,
        @JsonProperty("removed") Map<String, int[]> removed,
        @JsonProperty("stage_seconds") Map<String, Double> stageSeconds,
        @JsonProperty("finetune_images_per_s") double fineTuneImagesPerSecond,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {
    @Override
    public String eventId() {
        return runId + ":" + iteration + ":finetuned";
    }
}
