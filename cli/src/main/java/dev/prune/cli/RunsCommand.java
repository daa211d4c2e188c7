package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** ./pruning runs: the runs in the ledger, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List the runs in the ledger.")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    EvaluatorOptions evaluator;

    @Override
    public Integer call() {
        JsonNode runs = evaluator.client().runs();
        System.out.printf("%-32s %-10s %5s  %s%n", "run", "status", "iters", "result");
        for (JsonNode run : runs) {
            String result = run.hasNonNull("failure_reason") ? run.get("failure_reason").asText()
                    : run.path("stop_reason").asText("");
            System.out.printf("%-32s %-10s %5d  %s%n", run.path("run_id").asText(), run.path("status").asText(),
                    run.path("iterations").asLong(), result);
        }
        return 0;
    }
}
