package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFollowerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofSeconds(2);
    /** Polls after which a fake run ends the test: a follower that never gives up fails it instead of hanging. */
    private static final int MOST_POLLS = 100_000;

    /** A clock that moves only when the follower sleeps. */
    static final class FakeTicker implements RunFollower.Ticker {
        long nanos;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public void sleep(Duration duration) {
            nanos += duration.toNanos();
        }

        Duration elapsed() {
            return Duration.ofNanos(nanos);
        }
    }

    /** The run as the evaluator would show it at a given time (the fake clock's), counting the polls. */
    static final class FakeRuns implements RunFollower.RunSource {
        final FakeTicker ticker;
        final LongFunction<JsonNode> runAtSecond;
        int polls;

        FakeRuns(FakeTicker ticker, LongFunction<JsonNode> runAtSecond) {
            this.ticker = ticker;
            this.runAtSecond = runAtSecond;
        }

        @Override
        public JsonNode run(String runId) {
            if (++polls > MOST_POLLS) {
                throw new AssertionError("still following after " + polls + " polls (" + ticker.elapsed() + " of fake time)");
            }
            return runAtSecond.apply(ticker.elapsed().toSeconds());
        }
    }

    static ObjectNode run(String status, String updatedAt, String... decisions) {
        ObjectNode run = JSON.createObjectNode();
        run.put("run_id", "r1");
        run.put("status", status);
        if (updatedAt != null) {
            run.put("updated_at", updatedAt);
        }
        run.putObject("spec").put("max_iterations", 6);
        ArrayNode iterations = run.putArray("iterations");
        for (int i = 0; i < decisions.length; i++) {
            iterations.addObject().put("iteration", i).put("decision", decisions[i]).put("accuracy", 0.9);
        }
        return run;
    }

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final ProgressLine progress = new ProgressLine(new PrintStream(printed, true, StandardCharsets.UTF_8));
    private final FakeTicker ticker = new FakeTicker();

    private JsonNode follow(Duration stallTimeout, LongFunction<JsonNode> runAtSecond) throws InterruptedException {
        return new RunFollower(new FakeRuns(ticker, runAtSecond), progress, n -> { }, stallTimeout, ticker).follow("r1", POLL);
    }

    @Test
    void aRunStuckAfterAContinueIsGivenUpAfterTheStallTimeoutNamingTheStage() {
        var source = new FakeRuns(ticker, s -> run("RUNNING", "2025-01-01T10:00:00Z", "CONTINUE", "CONTINUE"));
        var follower = new RunFollower(source, progress, n -> { }, Duration.ofMinutes(10), ticker);

        var e = assertThrows(RunFollower.RunStalledException.class, () -> follower.follow("r1", POLL));

        assertTrue(ticker.elapsed().compareTo(Duration.ofMinutes(10)) >= 0, "not before the timeout: " + ticker.elapsed());
        assertTrue(ticker.elapsed().compareTo(Duration.ofMinutes(10).plus(POLL)) <= 0, "at the first poll after it: "
                + ticker.elapsed());
        assertEquals("rank -> surgery -> fine-tune of iteration 2 (ranker, surgeon and trainer services; the run does "
                + "not say which of them has it), then the evaluator's measurement of it", e.waitingOn());
        assertTrue(e.getMessage().contains("run r1 made no progress for 10m"), e.getMessage());
        assertTrue(e.getMessage().contains("last iteration 1 CONTINUE"), e.getMessage());
        assertTrue(e.getMessage().contains("rank -> surgery -> fine-tune of iteration 2"), e.getMessage());
        assertTrue(e.getMessage().contains("--stall-timeout"), e.getMessage());
        assertTrue(e.getMessage().contains("./pruning cancel r1"), e.getMessage());
    }

    @Test
    void newIterationsStatusChangesAndUpdatesEachRestartTheClock() throws Exception {
        // 10 min allowed; something changes every 8 min, for 40 min, then it completes
        JsonNode done = follow(Duration.ofMinutes(10), s -> {
            long step = s / 480;
            if (step == 0) return run("CREATED", "t0");
            if (step == 1) return run("RUNNING", "t0");                                   // status change
            if (step == 2) return run("RUNNING", "t0", "CONTINUE");                       // new iteration
            if (step == 3) return run("RUNNING", "t3", "CONTINUE");                       // updated_at only
            if (step == 4) return run("RUNNING", "t3", "CONTINUE", "CONTINUE");
            return run("COMPLETED", "t5", "CONTINUE", "CONTINUE", "STOP");
        });
        assertEquals("COMPLETED", done.path("status").asText());
        assertTrue(ticker.elapsed().compareTo(Duration.ofMinutes(40)) >= 0);
    }

    @Test
    void withoutUpdatedAtAnIterationIsStillProgressAndItsAbsenceStillAStall() {
        // iterations 0 and 1 at 0 and 9 min; nothing more: given up 10 min after the second
        var e = assertThrows(RunFollower.RunStalledException.class, () -> follow(Duration.ofMinutes(10),
                s -> s < 540 ? run("RUNNING", null, "CONTINUE") : run("RUNNING", null, "CONTINUE", "CONTINUE")));
        assertTrue(ticker.elapsed().compareTo(Duration.ofMinutes(19)) >= 0, ticker.elapsed().toString());
        assertTrue(ticker.elapsed().compareTo(Duration.ofMinutes(19).plusSeconds(4)) <= 0, ticker.elapsed().toString());
        assertTrue(e.waitingOn().startsWith("rank -> surgery -> fine-tune of iteration 2"), e.waitingOn());
    }

    @Test
    void whatTheRunWaitsOnBeforeTheBaseIsMeasuredAndAfterAStop() {
        assertTrue(RunFollower.waitingOn(run("CREATED", null)).contains("start-pruning"));
        assertEquals("the evaluator's measurement of the base (iteration 0)", RunFollower.waitingOn(run("RUNNING", null)));
        assertEquals("the evaluator to close the run after iteration 2's STOP",
                RunFollower.waitingOn(run("RUNNING", null, "CONTINUE", "CONTINUE", "STOP")));
        var e = assertThrows(RunFollower.RunStalledException.class,
                () -> follow(Duration.ofSeconds(30), s -> run("RUNNING", "t")));
        assertTrue(e.getMessage().contains("no iteration recorded"), e.getMessage());
        assertTrue(e.getMessage().contains("measurement of the base"), e.getMessage());
    }

    @Test
    void cancelledAndFailedRunsEndTheFollowing() throws Exception {
        JsonNode cancelled = follow(Duration.ofMinutes(10), s -> s < 60 ? run("RUNNING", "t", "CONTINUE")
                : run("CANCELLED", "t2", "CONTINUE"));
        assertEquals("CANCELLED", cancelled.path("status").asText());
        assertEquals("CANCELLED", RunFollower.outcome(cancelled));
        JsonNode failed = follow(Duration.ofMinutes(10), s -> run("FAILED", "t").put("failure_reason", "boom"));
        assertEquals("FAILED: boom", RunFollower.outcome(failed));
    }

    @Test
    void aZeroTimeoutNeverGivesUp() throws Exception {
        JsonNode done = follow(Duration.ZERO, s -> s < 5 * 3600 ? run("RUNNING", "t", "CONTINUE")
                : run("COMPLETED", "t2", "CONTINUE", "STOP"));
        assertEquals("COMPLETED", done.path("status").asText());
    }

    @Test
    void eachIterationIsPrintedAndReportedOnce() throws Exception {
        List<Integer> seen = new ArrayList<>();
        new RunFollower(new FakeRuns(ticker, s -> s < 10 ? run("RUNNING", "a", "CONTINUE")
                : s < 20 ? run("RUNNING", "b", "CONTINUE", "CONTINUE")
                : run("COMPLETED", "c", "CONTINUE", "CONTINUE", "STOP")), progress, seen::add, Duration.ofMinutes(1), ticker)
                .follow("r1", POLL);
        assertEquals(List.of(0, 1, 2), seen);
        assertEquals(3, printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("iteration ")).count());
    }
}
