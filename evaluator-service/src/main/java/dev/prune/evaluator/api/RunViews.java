package dev.prune.evaluator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.evaluator.ledger.IterationEntity;
import dev.prune.evaluator.ledger.RunEntity;
import dev.prune.events.EventCodec;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** What the REST API shows of the ledger (snake_case, as the events). */
public final class RunViews {
    private RunViews() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunSummary(
            @JsonProperty("run_id") String runId,
            @JsonProperty("status") String status,
            @JsonProperty("base_checkpoint") String baseCheckpoint,
            @JsonProperty("final_checkpoint") String finalCheckpoint,
            @JsonProperty("best_iteration") Integer bestIteration,
            @JsonProperty("iterations") long iterations,
            @JsonProperty("stop_reason") String stopReason,
            @JsonProperty("failure_reason") String failureReason,
            @JsonProperty("failure_topic") String failureTopic,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt) {

        static RunSummary of(RunEntity run, long iterations) {
            return new RunSummary(run.id, run.status.name(), run.baseCheckpoint, run.finalCheckpoint, run.bestIteration,
                    iterations, run.stopReason, run.failureReason, run.failureTopic, run.createdAt, run.updatedAt);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunDetail(
            @JsonProperty("run_id") String runId,
            @JsonProperty("status") String status,
            @JsonProperty("base_checkpoint") String baseCheckpoint,
            @JsonProperty("final_checkpoint") String finalCheckpoint,
            @JsonProperty("best_iteration") Integer bestIteration,
            @JsonProperty("stop_reason") String stopReason,
            @JsonProperty("failure_reason") String failureReason,
            @JsonProperty("failure_topic") String failureTopic,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt,
            @JsonProperty("spec") @Schema(type = SchemaType.OBJECT) JsonNode spec,
            @JsonProperty("iterations") List<IterationView> iterations) {

        static RunDetail of(RunEntity run, List<IterationEntity> iterations) {
            return new RunDetail(run.id, run.status.name(), run.baseCheckpoint, run.finalCheckpoint, run.bestIteration,
                    run.stopReason, run.failureReason, run.failureTopic, run.createdAt, run.updatedAt, tree(run.spec),
                    iterations.stream().map(IterationView::of).toList());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IterationView(
            @JsonProperty("iteration") int iteration,
            @JsonProperty("checkpoint") String checkpoint,
            @JsonProperty("decision") String decision,
            @JsonProperty("reason") String reason,
            @JsonProperty("best_iteration") int bestIteration,
            @JsonProperty("accuracy") double accuracy,
            @JsonProperty("loss") double loss,
            @JsonProperty("params") long params,
            @JsonProperty("conv_flops") long convFlops,
            @JsonProperty("total_flops") long totalFlops,
            @JsonProperty("file_bytes") long fileBytes,
            @JsonProperty("latency_b1_ms") double latencyB1Ms,
            @JsonProperty("latency_b64_ms") double latencyB64Ms,
            @JsonProperty("filters_per_layer") @Schema(type = SchemaType.OBJECT) JsonNode filtersPerLayer,
            @JsonProperty("removed") @Schema(type = SchemaType.OBJECT) JsonNode removed,
            @JsonProperty("stage_seconds") @Schema(type = SchemaType.OBJECT) JsonNode stageSeconds,
            @JsonProperty("created_at") Instant createdAt) {

        static IterationView of(IterationEntity i) {
            return new IterationView(i.iteration, i.checkpoint, i.decision, i.reason, i.bestIteration, i.accuracy, i.loss,
                    i.params, i.convFlops, i.totalFlops, i.fileBytes, i.latencyB1Ms, i.latencyB64Ms, tree(i.filtersPerLayer),
                    tree(i.removed), tree(i.stageSeconds), i.createdAt);
        }
    }

    /** The run's result against its base: the numbers of the paper's tables. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunOutcome(
            @JsonProperty("run_id") String runId,
            @JsonProperty("status") String status,
            @JsonProperty("stop_reason") String stopReason,
            @JsonProperty("failure_reason") String failureReason,
            @JsonProperty("iterations") int iterations,
            @JsonProperty("base") IterationView base,
            @JsonProperty("result") IterationView result,
            @JsonProperty("accuracy_change") Double accuracyChange,
            @JsonProperty("params_ratio") Double paramsRatio,
            @JsonProperty("conv_flops_reduction") Double convFlopsReduction,
            @JsonProperty("file_bytes_ratio") Double fileBytesRatio,
            @JsonProperty("latency_b1_speedup") Double latencyB1Speedup,
            @JsonProperty("latency_b64_speedup") Double latencyB64Speedup) {

        static RunOutcome of(RunEntity run, List<IterationEntity> iterations) {
            IterationEntity base = iterations.isEmpty() ? null : iterations.get(0);
            IterationEntity result = null;
            if (base != null) {
                int best = run.bestIteration != null ? run.bestIteration : iterations.get(iterations.size() - 1).iteration;
                result = iterations.stream().filter(i -> i.iteration == best).findFirst().orElse(base);
            }
            boolean both = base != null && base.iteration == 0;
            return new RunOutcome(run.id, run.status.name(), run.stopReason, run.failureReason, iterations.size(),
                    base == null ? null : IterationView.of(base), result == null ? null : IterationView.of(result),
                    both ? result.accuracy - base.accuracy : null,
                    both ? ratio(result.params, base.params) : null,
                    both ? 1.0 - ratio(result.convFlops, base.convFlops) : null,
                    both ? ratio(result.fileBytes, base.fileBytes) : null,
                    both ? ratio(base.latencyB1Ms, result.latencyB1Ms) : null,
                    both ? ratio(base.latencyB64Ms, result.latencyB64Ms) : null);
        }

        private static double ratio(double a, double b) {
            return b == 0 ? Double.NaN : a / b;
        }
    }

    /** The answer to POST /runs. */
    public record Accepted(@JsonProperty("run_id") String runId, @JsonProperty("status") String status,
                           @JsonProperty("base_checkpoint") String baseCheckpoint, @JsonProperty("spec") @Schema(type = SchemaType.OBJECT) JsonNode spec) {
    }

    /** Every error answer: what went wrong and what to do. */
    public record ApiError(@JsonProperty("error") String error) {
    }

    static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return EventCodec.json().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the ledger holds invalid JSON: " + json, e);
        }
    }
}
