package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** ./pruning status RUN: one run and its iterations. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show one run and its iterations.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Run id")
    String runId;
    @Mixin
    EvaluatorOptions evaluator;

    @Override
    public Integer call() {
        JsonNode run = evaluator.client().run(runId);
        System.out.printf("run %s: %s%n", run.path("run_id").asText(), run.path("status").asText());
        System.out.println("base: " + run.path("base_checkpoint").asText());
        if (run.hasNonNull("final_checkpoint")) {
            System.out.println("result: " + run.get("final_checkpoint").asText() + " (iteration " + run.path("best_iteration").asInt() + ")");
        }
        if (run.hasNonNull("stop_reason")) {
            System.out.println("stopped: " + run.get("stop_reason").asText());
        }
        if (run.hasNonNull("failure_reason")) {
            System.out.println("failed: " + run.get("failure_reason").asText());
        }
        for (JsonNode it : run.path("iterations")) {
            System.out.println(RunFollower.iterationLine(it));
        }
        return run.path("status").asText().equals("FAILED") ? 1 : 0;
    }
}
