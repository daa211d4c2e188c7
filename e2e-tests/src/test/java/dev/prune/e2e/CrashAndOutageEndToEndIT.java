package dev.prune.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.local.KafkaTestClient;
import dev.prune.local.LocalPipeline;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStore;
import dev.prune.store.FolderCheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What real clusters do to the pipeline: each of the four services SIGKILLed while provably in the middle of its
 * stage (its log says the output is computed and not stored yet, through the pruning.debug.pause-before-store hook;
 * the evaluator's says it is measuring), the broker killed and restarted, PostgreSQL stopped and started. Each run
 * completes with every iteration exactly once and no dead letter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashAndOutageEndToEndIT {
    private static final Duration WAIT = Duration.ofMinutes(10);
    /** pruning.retry.max-duration of every service here: one database outage stays within it, one outlasts it. */
    private static final Duration RETRY_BUDGET = Duration.ofSeconds(30);
    private static final List<String> DEAD_LETTER_TOPICS = List.of("start-pruning.dlq", "evaluated.dlq", "ranks-computed.dlq",
            "filters-pruned.dlq", "finetuned.dlq");
    private static Path work;
    private static LocalPipeline pipeline;
    private static CheckpointStore store;
    private static Ledger ledger;
    private static final String PREFIX = "crash" + Long.toHexString(System.currentTimeMillis());

    @BeforeAll
    static void startPipeline() throws Exception {
        work = Files.createTempDirectory("pruning-e2e-crash-");
        Path storeRoot = work.resolve("store");
        store = new FolderCheckpointStore(storeRoot);
        pipeline = E2ePipelines.withFolderStore(work, storeRoot, "evaluator_e2e_crash", Map.of(
                // the window the kills land in: each stage's output computed, not yet stored
                "pruning.debug.pause-before-store", "PT4S",
                // a killed member's partitions move after its session times out (45 s by default)
                "kafka.session.timeout.ms", "8000",
                "pruning.retry.max-duration", RETRY_BUDGET.toString(),
                "pruning.retry.max-backoff", "PT5S"));
        ledger = new Ledger(pipeline.evaluatorUrl(), pipeline.apiKey());
        TinyBase.file(work.resolve("models"));
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void eachServiceKilledMidStageIsRedoneAndEveryIterationHappensOnce() throws Exception {
        String run = PREFIX + "-kill";
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), Ledger.tinySpec(2)).statusCode());
        killWhenLogged("ranker-service", "output runs/" + run + "/iter-001/ranked/ computed, not stored yet",
                new CheckpointKey(run, 1, "ranked"));
        killWhenLogged("surgeon-service", "output runs/" + run + "/iter-001/pruned/ computed, not stored yet",
                new CheckpointKey(run, 1, "pruned"));
        killWhenLogged("trainer-service", "output runs/" + run + "/iter-001/finetuned/ computed, not stored yet",
                new CheckpointKey(run, 1, "finetuned"));
        killWhenLogged("evaluator-service", "run " + run + ": measuring iteration 1", null);
        JsonNode done = ledger.await(run, Ledger::completed, WAIT);
        assertIterations(done, List.of(0, 1, 2));
        assertNoDeadLetters(run);
    }

    @Test
    @Order(2)
    void theBrokerKilledAndRestartedMidRunLosesNothing() throws Exception {
        String run = PREFIX + "-broker";
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), Ledger.tinySpec(2)).statusCode());
        awaitStored(new CheckpointKey(run, 1, "ranked"));
        pipeline.killAndRestartBroker(Duration.ofSeconds(15));
        JsonNode done = ledger.await(run, Ledger::completed, WAIT);
        assertIterations(done, List.of(0, 1, 2));
        assertNoDeadLetters(run);
    }

    @Test
    @Order(3)
    void postgresStoppedAndStartedWithinTheRetryBudgetFailsNothing() throws Exception {
        String run = PREFIX + "-db";
        // the evaluator gets the finetuned event while the database is away: retried, not dead-lettered
        databaseAwayWhileEvaluated(run, Duration.ofSeconds(10));
        JsonNode done = ledger.await(run, Ledger::completed, WAIT);
        assertIterations(done, List.of(0, 1));
        assertNoDeadLetters(run);
    }

    @Test
    @Order(4)
    void postgresAwayPastTheRetryBudgetFailsTheRunWithAReasonNamingTheFault() throws Exception {
        String run = PREFIX + "-db-gone";
        databaseAwayWhileEvaluated(run, RETRY_BUDGET.multipliedBy(2));
        // the evaluator gave up on the finetuned event; its dead letter is recorded once the database is back
        JsonNode failed = ledger.await(run, r -> "FAILED".equals(r.path("status").asText()), WAIT);
        String reason = failed.path("failure_reason").asText();
        assertTrue(reason.contains("transient fault outlasted the retry budget") && reason.contains("JDBC"), reason);
        assertEquals("finetuned", failed.path("failure_topic").asText());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (store.runRecord(run).orElseThrow().state() != dev.prune.store.RunState.FAILED) {
            assertTrue(System.nanoTime() < deadline, "the stages never saw the run end");
            Thread.sleep(200);
        }
    }

    /**
     * Starts a one-iteration run and stops PostgreSQL once its iteration 1 is cut, until {@code awayAfterFineTuned}
     * after the fine-tuned checkpoint is stored (the evaluator is then working on it); skipped where the test may not
     * stop the server.
     */
    private static void databaseAwayWhileEvaluated(String run, Duration awayAfterFineTuned) throws Exception {
        String cluster = postgresCluster();
        Assumptions.assumeTrue(cluster != null, "needs root and Debian's pg_ctlcluster to stop PostgreSQL");
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), Ledger.tinySpec(1)).statusCode());
        awaitStored(new CheckpointKey(run, 1, "pruned"));
        pgctl(cluster, "stop");
        try {
            awaitStored(new CheckpointKey(run, 1, "finetuned"));
            Thread.sleep(awayAfterFineTuned.toMillis());
        } finally {
            pgctl(cluster, "start");
        }
    }

    private static void killWhenLogged(String service, String line, CheckpointKey notYetStored) throws Exception {
        Path log = pipeline.service(service).logFile();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(line))) {
            assertTrue(System.nanoTime() < deadline, service + " never logged '" + line + "'");
            Thread.sleep(100);
        }
        pipeline.service(service).kill();
        if (notYetStored != null) {
            assertFalse(store.exists(notYetStored), service + " was killed before it stored " + notYetStored);
        }
        pipeline.killAndRestart(service);
    }

    private static void awaitStored(CheckpointKey key) throws InterruptedException {
        E2ePipelines.awaitStored(store, key, WAIT);
    }

    private static void assertIterations(JsonNode run, List<Integer> expected) {
        List<Integer> iterations = new ArrayList<>();
        run.path("iterations").forEach(i -> iterations.add(i.path("iteration").asInt()));
        assertEquals(expected, iterations, "every iteration exactly once: " + run);
    }

    private static void assertNoDeadLetters(String run) {
        try (var topics = new KafkaTestClient(pipeline.broker().bootstrapServers())) {
            for (String topic : DEAD_LETTER_TOPICS) {
                assertEquals(List.of(), topics.read(topic).stream().filter(KafkaTestClient.key(run)).toList(), topic);
            }
        }
    }

    /** The Debian cluster ("15 main") when this process may stop and start it (root, pg_ctlcluster), else null. */
    private static String postgresCluster() throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isDirectory(Path.of("/etc/postgresql"))) {
            return null;
        }
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).sorted().findFirst().orElse(null);
        }
    }

    private static void pgctl(String version, String action) throws Exception {
        Process process = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action)
                .inheritIO().start();
        assertEquals(0, process.waitFor(), "pg_ctlcluster " + action);
    }
}
