package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.error.PruningException;

import java.time.Duration;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Polls a run until it ends (COMPLETED, FAILED or CANCELLED), drawing a progress bar and printing one line per
 * iteration. It gives up with a {@link RunStalledException} when the run shows no progress for the stall timeout:
 * no new iteration, no change of status and no change of its {@code updated_at}.
 */
final class RunFollower {
    static final Set<String> END_STATES = Set.of("COMPLETED", "FAILED", "CANCELLED");
    static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(30);
    /** Quiet time after which the progress line says how long the run has been quiet. */
    private static final Duration SHOW_QUIET_AFTER = Duration.ofMinutes(1);

    /** Where the run's JSON comes from ({@code GET /runs/{id}}; a fake in tests). */
    @FunctionalInterface
    interface RunSource {
        JsonNode run(String runId);
    }

    /** The time and the waiting between polls (a fake clock in tests). */
    interface Ticker {
        long nanoTime();

        void sleep(Duration duration) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis());
            }
        };
    }

    /** The run showed no progress for the stall timeout. */
    static final class RunStalledException extends PruningException {
        private final String summary;
        private final String waitingOn;

        RunStalledException(String summary, String advice, String waitingOn) {
            super(summary + " " + advice);
            this.summary = summary;
            this.waitingOn = waitingOn;
        }

        /** The message without the advice on what to do next: how long, the run's state and what it waits on. */
        String summary() {
            return summary;
        }

        /** What the run was waiting on (see {@link #waitingOn(JsonNode)}). */
        String waitingOn() {
            return waitingOn;
        }
    }

    private final RunSource source;
    private final ProgressLine progress;
    private final IntConsumer afterIteration;
    private final Duration stallTimeout;
    private final Ticker ticker;

    RunFollower(RunSource source, ProgressLine progress) {
        this(source, progress, iteration -> { }, DEFAULT_STALL_TIMEOUT, Ticker.SYSTEM);
    }

    /** As the other, calling {@code afterIteration} once each iteration's line is printed. */
    RunFollower(RunSource source, ProgressLine progress, IntConsumer afterIteration) {
        this(source, progress, afterIteration, DEFAULT_STALL_TIMEOUT, Ticker.SYSTEM);
    }

    /**
     * @param stallTimeout how long the run may show no progress before {@link #follow} gives up; zero: never
     */
    RunFollower(RunSource source, ProgressLine progress, IntConsumer afterIteration, Duration stallTimeout, Ticker ticker) {
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException("negative stall timeout " + stallTimeout);
        }
        this.source = source;
        this.progress = progress;
        this.afterIteration = afterIteration;
        this.stallTimeout = stallTimeout;
        this.ticker = ticker;
    }

    /**
     * @return the run's final state (status COMPLETED, FAILED or CANCELLED)
     * @throws RunStalledException when the run shows no progress for the stall timeout (the run itself goes on)
     */
    JsonNode follow(String runId, Duration poll) throws InterruptedException {
        int printed = -1;
        long start = ticker.nanoTime();
        long lastProgress = start;
        Progress seen = null;
        while (true) {
            JsonNode run = source.run(runId);
            long now = ticker.nanoTime();
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
            if (END_STATES.contains(status)) {
                return run;
            }
            Progress current = Progress.of(run);
            if (!current.equals(seen)) {
                seen = current;
                lastProgress = now;
            }
            Duration quiet = Duration.ofNanos(now - lastProgress);
            if (!stallTimeout.isZero() && quiet.compareTo(stallTimeout) >= 0) {
                progress.end();
                String waitingOn = waitingOn(run);
                throw new RunStalledException(stallSummary(runId, run, quiet, waitingOn), stallAdvice(runId), waitingOn);
            }
            int max = run.path("spec").path("max_iterations").asInt(1);
            progress.update(String.format("%s run %s %s: %d of at most %d iterations, %ds%s",
                    ProgressLine.bar((printed < 0 ? 0 : printed) / (double) max, 24), runId, status, Math.max(0, printed), max,
                    Duration.ofNanos(now - start).toSeconds(),
                    quiet.compareTo(SHOW_QUIET_AFTER) >= 0 ? ", no progress for " + DurationConverter.format(quiet) : ""));
            ticker.sleep(poll);
        }
    }

    /** What counts as progress: the status, the newest iteration and its decision, the run's updated_at. */
    private record Progress(String status, int iterations, int newestIteration, String newestDecision, String updatedAt) {
        static Progress of(JsonNode run) {
            JsonNode last = RunFollower.lastIteration(run);
            return new Progress(run.path("status").asText(), run.path("iterations").size(),
                    last == null ? -1 : last.path("iteration").asInt(), last == null ? null : last.path("decision").asText(),
                    run.hasNonNull("updated_at") ? run.get("updated_at").asText() : null);
        }
    }

    /**
     * The step the run waits on, as far as the run's JSON tells it: the evaluator's start and measure of the base
     * before iteration 0 is recorded; after iteration n with CONTINUE, the next iteration's rank -> surgery ->
     * fine-tune (the ledger does not say which of the three is under way) and its measurement; after a STOP, the
     * evaluator's closing of the run.
     */
    static String waitingOn(JsonNode run) {
        String status = run.path("status").asText();
        if (status.equals("CREATED")) {
            return "the evaluator to take up the run's start-pruning event and measure the base (iteration 0)";
        }
        JsonNode last = lastIteration(run);
        if (last == null) {
            return "the evaluator's measurement of the base (iteration 0)";
        }
        int n = last.path("iteration").asInt();
        String decision = last.path("decision").asText();
        if (decision.equals("CONTINUE")) {
            return "rank -> surgery -> fine-tune of iteration " + (n + 1)
                    + " (ranker, surgeon and trainer services; the run does not say which of them has it), "
                    + "then the evaluator's measurement of it";
        }
        if (decision.equals("STOP")) {
            return "the evaluator to close the run after iteration " + n + "'s STOP";
        }
        return "the next step after iteration " + n + (decision.isEmpty() ? "" : " (decision " + decision + ")");
    }

    private static JsonNode lastIteration(JsonNode run) {
        JsonNode last = null;
        for (JsonNode it : run.path("iterations")) {
            if (last == null || it.path("iteration").asInt() >= last.path("iteration").asInt()) {
                last = it;
            }
        }
        return last;
    }

    private static String stallSummary(String runId, JsonNode run, Duration quiet, String waitingOn) {
        JsonNode last = lastIteration(run);
        return "run " + runId + " made no progress for " + DurationConverter.format(quiet) + " (status "
                + run.path("status").asText()
                + (last == null ? ", no iteration recorded" : ", last iteration " + last.path("iteration").asInt()
                + " " + last.path("decision").asText())
                + (run.hasNonNull("updated_at") ? ", last updated " + run.get("updated_at").asText() : "")
                + "): it waits on " + waitingOn + ".";
    }

    private static String stallAdvice(String runId) {
        return "Stopped following it; the run itself is not cancelled. Look at the services' logs, `./pruning status "
                + runId + "`, `./pruning cancel " + runId + "`; wait longer with " + STALL_ADVICE;
    }

    /** How to wait longer. */
    static final String STALL_ADVICE = "--stall-timeout or PRUNING_STALL_TIMEOUT (e.g. 2h; 0 = never give up)";

    static String iterationLine(JsonNode it) {
        return String.format("iteration %d: %s, accuracy %.4f, params %,d, conv FLOPs %,d, latency b1 %.2f ms -> %s (%s)",
                it.path("iteration").asInt(), it.path("filters_per_layer"), it.path("accuracy").asDouble(),
                it.path("params").asLong(), it.path("conv_flops").asLong(), it.path("latency_b1_ms").asDouble(),
                it.path("decision").asText(), it.path("reason").asText());
    }

    /** "COMPLETED: reason", "FAILED: reason", "CANCELLED" (with a reason when the run has one). */
    static String outcome(JsonNode run) {
        String reason = run.hasNonNull("failure_reason") ? run.get("failure_reason").asText()
                : run.hasNonNull("stop_reason") ? run.get("stop_reason").asText() : null;
        return run.path("status").asText() + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    }
}
