package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.function.IntConsumer;

/** Polls a run until it ends, drawing a progress bar and printing one line per iteration. */
final class RunFollower {
    private final RunsClient client;
    private final ProgressLine progress;
    private final IntConsumer afterIteration;

    RunFollower(RunsClient client, ProgressLine progress) {
        this(client, progress, iteration -> { });
    }

    /** As the other, calling {@code afterIteration} once each iteration's line is printed. */
    RunFollower(RunsClient client, ProgressLine progress, IntConsumer afterIteration) {
        this.client = client;
        this.progress = progress;
        this.afterIteration = afterIteration;
    }

    /** @return the run's final state (status COMPLETED or FAILED) */
    JsonNode follow(String runId, Duration poll) throws InterruptedException {
        int printed = -1;
        long start = System.currentTimeMillis();
        while (true) {
            JsonNode run = client.run(runId);
            JsonNode iterations = run.path("iterations");
            for (JsonNode it : iterations) {
                int n = it.path("iteration").asInt();
                if (n > printed) {
                    progress.line(iterationLine(it));
                    printed = n;
                    afterIteration.accept(n);
                }
            }
            String status = run.path("status").asText();
            if (status.equals("COMPLETED") || status.equals("FAILED")) {
                return run;
            }
            int max = run.path("spec").path("max_iterations").asInt(1);
            progress.update(String.format("%s run %s %s: %d of at most %d iterations, %ds",
                    ProgressLine.bar((printed < 0 ? 0 : printed) / (double) max, 24), runId, status, Math.max(0, printed), max,
                    (System.currentTimeMillis() - start) / 1000));
            Thread.sleep(poll.toMillis());
        }
    }

    static String iterationLine(JsonNode it) {
        return String.format("iteration %d: %s, accuracy %.4f, params %,d, conv FLOPs %,d, latency b1 %.2f ms -> %s (%s)",
                it.path("iteration").asInt(), it.path("filters_per_layer"), it.path("accuracy").asDouble(),
                it.path("params").asLong(), it.path("conv_flops").asLong(), it.path("latency_b1_ms").asDouble(),
                it.path("decision").asText(), it.path("reason").asText());
    }
}
