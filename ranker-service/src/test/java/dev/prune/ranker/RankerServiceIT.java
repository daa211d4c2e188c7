package dev.prune.ranker;

import dev.prune.events.Evaluated;
import dev.prune.events.EventCodec;
import dev.prune.events.RanksComputed;
import dev.prune.events.RunSpec;
import dev.prune.local.KafkaTestClient;
import dev.prune.local.ServiceProcess;
import dev.prune.local.StageServiceFixture;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.FolderCheckpointStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged ranker-service against a real Kafka broker (local-kafka) and a folder checkpoint store:
 * evaluated -> ranks-computed, the dead-letter topic, redelivery, STOP, metrics. No mocks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240)
class RankerServiceIT {
    static final String IN = "evaluated";
    static final String OUT = "ranks-computed";
    static final String DLQ = "evaluated.dlq";
    static final Duration WAIT = Duration.ofSeconds(120);
    /** A tiny run: 256 training images, 64 of them ranked. */
    static final RunSpec SPEC = new RunSpec(4, 0.5, 0.05, 3, 1, 1, "taylor", 0, "fashion-mnist", 256, 128, 64,
            "sample", "adam", 1e-3, 32, 1, 128, 7);

    @TempDir
    static Path dir;
    static StageServiceFixture fixture;
    static KafkaTestClient topics;
    static FolderCheckpointStore store;
    static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        fixture = StageServiceFixture.start(dir, Map.of(IN, 3, OUT, 3, DLQ, 1));
        topics = fixture.topics();
        store = fixture.store();
        for (String run : java.util.List.of("run-a", "run-b", "run-kill", "run-missing")) {
            // what the evaluator writes when it registers a run: stages work only for runs known and RUNNING
            store.putRunRecord(new dev.prune.store.RunRecord(run, dev.prune.store.RunState.RUNNING, null, "test"));
        }
        var io = fixture.io();
        for (String run : List.of("run-a", "run-b", "run-kill")) {
            io.saveModel(new CheckpointKey(run, 0, "base"), VggBuilder.build(VggSpec.vggSmall(false, 0)), null, "test", Map.of());
        }
        service = startService("ranker-service.log");
    }

    static ServiceProcess startService(String logName) {
        return fixture.startService("ranker-service", logName, Map.of(
                // a killed member's partitions move after its session times out: 45 s by default
                "mp.messaging.incoming.evaluated.session.timeout.ms", "8000"));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static Evaluated evaluated(String run, String decision) {
        String base = "runs/" + run + "/iter-000/base/";
        return new Evaluated(1, run, 0, base, decision, "test", 0, base, Map.of("accuracy", 0.5), SPEC);
    }

    static String log() {
        return "---- ranker-service log ----\n" + service.logTail();
    }

    static RanksComputed decode(ConsumerRecord<String, String> record) {
        return EventCodec.decode(record.value(), RanksComputed.class);
    }

    @Test
    @Order(1)
    void continueVerdictIsRankedAndEmittedKeyedByRun() {
        topics.send(IN, "run-a", EventCodec.encode(evaluated("run-a", Evaluated.CONTINUE)));

        ConsumerRecord<String, String> record = topics.await(OUT, KafkaTestClient.key("run-a"), 1, WAIT, RankerServiceIT::log).get(0);
        RanksComputed out = decode(record);
        assertEquals("run-a", out.runId());
        assertEquals(1, out.iteration());
        assertEquals("runs/run-a/iter-000/base/", out.modelCheckpoint());
        assertEquals("runs/run-a/iter-001/ranked/", out.ranksCheckpoint());
        assertEquals(SPEC, out.spec());
        assertTrue(out.stageSeconds().get("rank") > 0, out.stageSeconds().toString());

        CheckpointManifest ranks = store.manifest(CheckpointKey.parse(out.ranksCheckpoint())).orElseThrow();
        assertEquals("ranker", ranks.producer());
        assertEquals("runs/run-a/iter-000/base/", ranks.parent());
        assertEquals(64, ((Number) ranks.extra().get("rank_images")).intValue());
    }

    @Test
    @Order(2)
    void badEventsGoToTheDeadLetterTopicWithAReasonAndTheNextEventIsServed() {
        String good = EventCodec.encode(evaluated("run-x", Evaluated.CONTINUE));
        topics.send(IN, "bad-json", "{not json");
        topics.send(IN, "run-v9", good.replace("\"run_id\":\"run-x\"", "\"run_id\":\"run-v9\"").replace("\"version\":1", "\"version\":9"));
        topics.send(IN, "run-policy", good.replace("\"run_id\":\"run-x\"", "\"run_id\":\"run-policy\"")
                .replace("\"filters_per_iteration\":4", "\"filters_per_iteration\":0"));
        topics.send(IN, "run-missing", EventCodec.encode(evaluated("run-missing", Evaluated.CONTINUE)));
        topics.send(IN, "run-b", EventCodec.encode(evaluated("run-b", Evaluated.CONTINUE)));

        assertEquals(2, decode(topics.await(OUT, KafkaTestClient.key("run-b"), 1, WAIT, RankerServiceIT::log).get(0)).iteration() + 1);
        List<ConsumerRecord<String, String>> dead = topics.await(DLQ, r -> true, 4, WAIT, RankerServiceIT::log);
        assertEquals(4, dead.size(), dead.toString());
        Map<String, String> reasons = new java.util.HashMap<>();
        for (var record : dead) {
            assertEquals(IN, KafkaTestClient.header(record, "dead-letter-topic"), "dead-letter-topic header");
            reasons.put(record.key(), KafkaTestClient.header(record, "dead-letter-reason"));
        }
        assertTrue(reasons.get("bad-json").contains("malformed JSON"), reasons.toString());
        assertTrue(reasons.get("run-v9").contains("version 9"), reasons.toString());
        assertTrue(reasons.get("run-policy").contains("filters per iteration must be > 0"), reasons.toString());
        assertNotNull(reasons.get("run-missing"), reasons.toString());
        assertTrue(reasons.get("run-missing").contains("runs/run-missing/iter-000/base/"), reasons.toString());
        // the dead-lettered events are consumed (committed), not retried forever
        topics.awaitCommitted("ranker", IN, WAIT, RankerServiceIT::log);
        assertEquals(4, service.metric("pruning_events_failed_total{reason=\"BadEventException\",topic=\"evaluated\"}")
                + service.metric("pruning_events_failed_total{reason=\"CheckpointNotFoundException\",topic=\"evaluated\"}"), 0.0);
    }

    @Test
    @Order(3)
    void stopVerdictIsAcknowledgedWithoutOutput() {
        topics.send(IN, "run-stop", EventCodec.encode(evaluated("run-stop", Evaluated.STOP)));
        topics.awaitCommitted("ranker", IN, WAIT, RankerServiceIT::log);
        assertTrue(topics.read(OUT).stream().noneMatch(KafkaTestClient.key("run-stop")));
        assertTrue(topics.read(DLQ).stream().noneMatch(KafkaTestClient.key("run-stop")));
    }

    @Test
    @Order(4)
    void redeliveredEventYieldsTheSameOutputWithoutRecomputation() {
        var first = decode(topics.await(OUT, KafkaTestClient.key("run-a"), 1, WAIT, RankerServiceIT::log).get(0));
        CheckpointKey key = CheckpointKey.parse(first.ranksCheckpoint());
        String createdAt = store.manifest(key).orElseThrow().createdAt();
        double timed = service.metric("pruning_stage_seconds_count{stage=\"rank\"}");

        topics.send(IN, "run-a", EventCodec.encode(evaluated("run-a", Evaluated.CONTINUE)));

        List<ConsumerRecord<String, String>> both = topics.await(OUT, KafkaTestClient.key("run-a"), 2, WAIT, RankerServiceIT::log);
        RanksComputed again = decode(both.get(1));
        assertEquals(first, again);
        assertEquals(createdAt, store.manifest(key).orElseThrow().createdAt(), "the stored ranking was not rewritten");
        assertEquals(List.of(CheckpointKey.parse("runs/run-a/iter-000/base/"), key), store.list("run-a"));
        assertEquals(timed + 1, service.metric("pruning_stage_seconds_count{stage=\"rank\"}"), 0.0);
    }

    @Test
    @Order(5)
    void metricsAndHealthAreServed() {
        assertEquals(200, service.status("/q/health/live"), service.body("/q/health/live"));
        assertEquals(200, service.status("/q/health/ready"), service.body("/q/health/ready"));
        // run-a, 5 of test 2, run-stop, run-a again
        assertEquals(8, service.metric("pruning_events_in_total{topic=\"evaluated\"}"), 0.0);
        assertEquals(3, service.metric("pruning_events_out_total{topic=\"ranks-computed\"}"), 0.0);
        assertTrue(service.metric("pruning_images_per_second{stage=\"rank\"}") > 0, service.body("/q/metrics"));
    }

    @Test
    @Order(6)
    void aServiceKilledMidWorkRedoesTheEventAfterRestartAndEmitsItOnce() throws Exception {
        // 300 images to rank: many seconds of work, so the kill lands in the middle of it
        RunSpec big = new RunSpec(4, 0.5, 0.05, 3, 1, 1, "taylor", 0, "fashion-mnist", 1000, 128, 300,
                "sample", "adam", 1e-3, 32, 1, 128, 7);
        String base = "runs/run-kill/iter-000/base/";
        CheckpointKey ranked = CheckpointKey.parse("runs/run-kill/iter-001/ranked/");
        double received = service.metric("pruning_events_in_total{topic=\"evaluated\"}");

        topics.send(IN, "run-kill", EventCodec.encode(new Evaluated(1, "run-kill", 0, base, Evaluated.CONTINUE, "test", 0, base,
                Map.of(), big)));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (service.metric("pruning_events_in_total{topic=\"evaluated\"}") <= received) {
            assertTrue(System.nanoTime() < deadline, RankerServiceIT::log);
            ServiceProcess.pause(50);
        }
        service.kill();
        assertTrue(store.manifest(ranked).isEmpty(), "killed before the ranking was stored");
        assertTrue(topics.read(OUT).stream().noneMatch(KafkaTestClient.key("run-kill")));

        service = startService("ranker-service-restarted.log");

        RanksComputed out = decode(topics.await(OUT, KafkaTestClient.key("run-kill"), 1, WAIT, RankerServiceIT::log).get(0));
        assertEquals(ranked.prefix(), out.ranksCheckpoint());
        assertEquals(300, ((Number) store.manifest(ranked).orElseThrow().extra().get("rank_images")).intValue());
        topics.awaitCommitted("ranker", IN, WAIT, RankerServiceIT::log);
        assertEquals(1, topics.read(OUT).stream().filter(KafkaTestClient.key("run-kill")).count(), "emitted once");
    }

    @Test
    @Order(7)
    void craftedEventsAreDeadLetteredOrIgnoredAndWriteNothingOutsideTheirRun() {
        int deadBefore = topics.read(DLQ).size();
        // a run no evaluator registered
        topics.send(IN, "run-crafted", EventCodec.encode(evaluated("run-crafted", Evaluated.CONTINUE)));
        // a run's event naming another run's checkpoint
        String foreign = EventCodec.encode(new Evaluated(1, "run-b", 0, "runs/run-a/iter-000/base/", Evaluated.CONTINUE, "x", 0,
                "runs/run-a/iter-000/base/", Map.of(), SPEC));
        topics.send(IN, "run-b", foreign);
        // a record keyed with another run's id than its payload's
        topics.send(IN, "run-a", EventCodec.encode(evaluated("run-b", Evaluated.CONTINUE)));
        // a finished run's id: ignored, no output, no dead letter, the run stays as it was
        store.putRunRecord(new dev.prune.store.RunRecord("run-done", dev.prune.store.RunState.COMPLETED, "done", "test"));
        topics.send(IN, "run-done", EventCodec.encode(evaluated("run-done", Evaluated.CONTINUE)));

        List<ConsumerRecord<String, String>> dead = topics.await(DLQ, r -> true, deadBefore + 3, WAIT, RankerServiceIT::log);
        List<String> reasons = dead.subList(deadBefore, dead.size()).stream()
                .map(r -> KafkaTestClient.header(r, "dead-letter-reason")).toList();
        assertTrue(reasons.stream().anyMatch(r -> r.contains("run-crafted is not known")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("'runs/run-a/iter-000/base/' is not a checkpoint of this event")),
                reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("keyed 'run-a' but its payload is of run run-b")), reasons.toString());
        topics.awaitCommitted("ranker", IN, WAIT, RankerServiceIT::log);
        assertEquals(List.of(), store.list("run-crafted"), "nothing written under an unknown run");
        assertEquals(List.of(), store.list("run-done"));
        assertTrue(topics.read(OUT).stream().noneMatch(KafkaTestClient.key("run-done")));
        assertTrue(topics.read(DLQ).stream().noneMatch(KafkaTestClient.key("run-done")));
        assertEquals(dev.prune.store.RunState.COMPLETED, store.runRecord("run-done").orElseThrow().state());
    }
}
