package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * The evaluator's verdict on an iteration (iteration 0 = the base). CONTINUE sends the ranker to
 * work on {@code checkpoint}; STOP ends the run with {@code bestCheckpoint} as its result.
 */
public record Evaluated(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("iteration") int iteration,
        @JsonProperty("checkpoint") String checkpoint,
        @JsonProperty("decision") String decision,
        @JsonProperty("reason") String reason,
        @JsonProperty("best_iteration") int bestIteration,
        @JsonProperty("best_checkpoint") String bestCheckpoint,
        @JsonProperty("metrics") Map<String, Object> metrics,
        @JsonProperty("spec") RunSpec spec) implements PipelineEvent {

    public static final String CONTINUE = "CONTINUE";
    public static final String STOP = "STOP";

    @Override
    public String eventId() {
        return runId + ":" + iteration + ":evaluated";
    }

    public boolean isContinue() {
        return CONTINUE.equals(decision);
    }
}
