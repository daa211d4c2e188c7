package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** ./pruning cancel RUN: DELETE /runs/{id}; the evaluator marks the run CANCELLED and the stages drop its events. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a run: the evaluator marks it CANCELLED and the stages drop its events. "
                + "Exit 1 when the run is unknown or has already ended, 2 on other errors.")
final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Run id")
    String runId;
    @Mixin
    EvaluatorOptions evaluator;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        RunsClient client = evaluator.client();
        try {
            JsonNode run = client.cancel(runId);
            out.println("run " + run.path("run_id").asText(runId) + ": " + run.path("status").asText("(no status in the answer)"));
            return 0;
        } catch (RunsClient.EvaluatorException e) {
            if (e.status() == 404) {
                err.println("error: the evaluator at " + client.baseUrl() + " has no run " + runId + said(e));
                return 1;
            }
            if (e.status() == 409) {
                err.println("error: run " + runId + " cannot be cancelled, it has already ended" + said(e));
                return 1;
            }
            throw e;
        }
    }

    private static String said(RunsClient.EvaluatorException e) {
        String message = e.evaluatorMessage();
        return message == null || message.isBlank() ? "" : " (the evaluator: " + message + ")";
    }
}
