package dev.prune.surgeon;

import dev.prune.data.FashionMnist;
import dev.prune.events.Evaluated;
import dev.prune.events.EventCodec;
import dev.prune.events.FiltersPruned;
import dev.prune.events.RanksComputed;
import dev.prune.events.RunSpec;
import dev.prune.local.KafkaTestClient;
import dev.prune.local.ServiceProcess;
import dev.prune.local.StageServiceFixture;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.pipeline.DataCatalog;
import dev.prune.pipeline.RankStage;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged surgeon-service against a real Kafka broker (local-kafka) and a folder checkpoint store:
 * ranks-computed -> filters-pruned, the dead-letter topic (bad JSON, version, missing and corrupt checkpoints),
 * redelivery, metrics. The input rankings are computed here with shared-model's RankStage. No mocks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240)
class SurgeonServiceIT {
    static final String IN = "ranks-computed";
    static final String OUT = "filters-pruned";
    static final String DLQ = "ranks-computed.dlq";
    static final Duration WAIT = Duration.ofSeconds(120);
    /** A tiny run: 4 filters per cut, 64 images ranked. */
    static final RunSpec SPEC = new RunSpec(4, 0.5, 0.05, 3, 1, 1, "taylor", 0, "fashion-mnist", 256, 128, 64,
            "sample", "adam", 1e-3, 32, 1, 128, 7);
    /** $FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist). */
    static final Path MNIST = FashionMnist.defaultDirectory();

    @TempDir
    static Path dir;
    static StageServiceFixture fixture;
    static KafkaTestClient topics;
    static FolderCheckpointStore store;
    static ServiceProcess service;
    static final Map<String, RanksComputed> ranks = new HashMap<>();
    static long baseParams;
    static long baseConvFlops;

    @BeforeAll
    static void start() throws Exception {
        fixture = StageServiceFixture.start(dir, Map.of(IN, 3, OUT, 3, DLQ, 1));
        topics = fixture.topics();
        store = fixture.store();
        for (String run : java.util.List.of("run-a", "run-b", "run-corrupt", "run-missing")) {
            // what the evaluator writes when it registers a run: stages work only for runs known and RUNNING
            store.putRunRecord(new dev.prune.store.RunRecord(run, dev.prune.store.RunState.RUNNING, null, "test"));
        }
        var io = fixture.io();
        var ranker = new RankStage(io, new DataCatalog(MNIST));
        for (String run : List.of("run-a", "run-b", "run-corrupt")) {
            String base = "runs/" + run + "/iter-000/base/";
            CheckpointManifest manifest = io.saveModel(CheckpointKey.parse(base), VggBuilder.build(VggSpec.vggSmall(false, 0)),
                    null, "test", Map.of());
            baseParams = manifest.params();
            baseConvFlops = manifest.convFlops();
            var verdict = new Evaluated(1, run, 0, base, Evaluated.CONTINUE, "test", 0, base, Map.of(), SPEC);
            ranks.put(run, ranker.handle(verdict, n -> { }).orElseThrow());
        }
        // a run whose ranking is missing: its own base is there (an event may name only its own run's checkpoints)
        io.saveModel(CheckpointKey.parse("runs/run-missing/iter-000/base/"), VggBuilder.build(VggSpec.vggSmall(false, 0)), null,
                "test", Map.of());
        // the surgeon must refuse a model that no longer matches its manifest's sha256
        String stored = store.manifest(CheckpointKey.parse("runs/run-corrupt/iter-000/base/")).orElseThrow().modelObjectKey();
        Files.write(dir.resolve("store").resolve(stored), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        service = fixture.startService("surgeon-service", "surgeon-service.log", Map.of());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String log() {
        return "---- surgeon-service log ----\n" + service.logTail();
    }

    static FiltersPruned decode(ConsumerRecord<String, String> record) {
        return EventCodec.decode(record.value(), FiltersPruned.class);
    }

    @Test
    @Order(1)
    void ranksAreCutAndTheSmallerModelEmittedKeyedByRun() {
        topics.send(IN, "run-a", EventCodec.encode(ranks.get("run-a")));

        FiltersPruned out = decode(topics.await(OUT, KafkaTestClient.key("run-a"), 1, WAIT, SurgeonServiceIT::log).get(0));
        assertEquals("run-a", out.runId());
        assertEquals(1, out.iteration());
        assertEquals("runs/run-a/iter-000/base/", out.parentCheckpoint());
        assertEquals("runs/run-a/iter-001/pruned/", out.checkpoint());
        assertEquals(4, out.removed().values().stream().mapToInt(f -> f.length).sum(), out.removed().toString());
        assertEquals(32 + 32 + 64 + 64 - 4, out.filtersPerLayer().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(out.params() < baseParams && out.convFlops() < baseConvFlops, out.params() + " / " + out.convFlops());
        assertTrue(out.stageSeconds().containsKey("rank") && out.stageSeconds().containsKey("surgery"), out.stageSeconds().toString());
        assertEquals(SPEC, out.spec());

        CheckpointManifest pruned = store.manifest(CheckpointKey.parse(out.checkpoint())).orElseThrow();
        assertEquals("surgeon", pruned.producer());
        assertEquals("runs/run-a/iter-000/base/", pruned.parent());
        assertEquals(out.filtersPerLayer(), pruned.filtersPerLayer());
    }

    @Test
    @Order(2)
    void badEventsGoToTheDeadLetterTopicWithAReasonAndTheNextEventIsServed() {
        String good = EventCodec.encode(ranks.get("run-b"));
        RanksComputed missing = new RanksComputed(1, "run-missing", 1, "runs/run-missing/iter-000/base/",
                "runs/run-missing/iter-001/ranked/", Map.of(), SPEC);
        topics.send(IN, "bad-json", "[1, 2");
        topics.send(IN, "run-v9", good.replace("\"run_id\":\"run-b\"", "\"run_id\":\"run-v9\"").replace("\"version\":1", "\"version\":9"));
        topics.send(IN, "run-missing", EventCodec.encode(missing));
        topics.send(IN, "run-corrupt", EventCodec.encode(ranks.get("run-corrupt")));
        topics.send(IN, "run-b", good);

        assertEquals("runs/run-b/iter-001/pruned/", decode(topics.await(OUT, KafkaTestClient.key("run-b"), 1, WAIT, SurgeonServiceIT::log).get(0)).checkpoint());
        List<ConsumerRecord<String, String>> dead = topics.await(DLQ, r -> true, 4, WAIT, SurgeonServiceIT::log);
        assertEquals(4, dead.size(), dead.toString());
        Map<String, String> reasons = new HashMap<>();
        for (var record : dead) {
            assertEquals(IN, KafkaTestClient.header(record, "dead-letter-topic"), "dead-letter-topic header");
            reasons.put(record.key(), KafkaTestClient.header(record, "dead-letter-reason"));
        }
        assertTrue(reasons.get("bad-json").contains("malformed JSON") || reasons.get("bad-json").contains("not a JSON object"), reasons.toString());
        assertTrue(reasons.get("run-v9").contains("version 9"), reasons.toString());
        assertTrue(reasons.get("run-missing").contains("runs/run-missing/iter-001/ranked/"), reasons.toString());
        assertTrue(reasons.get("run-corrupt").contains("runs/run-corrupt/iter-000/base/"), reasons.toString());
        assertTrue(store.manifest(new CheckpointKey("run-corrupt", 1, "pruned")).isEmpty(), "nothing stored for the corrupt input");
        topics.awaitCommitted("surgeon", IN, WAIT, SurgeonServiceIT::log);
        assertEquals(2, service.metric("pruning_events_failed_total{reason=\"BadEventException\",topic=\"ranks-computed\"}"), 0.0);
        assertEquals(1, service.metric("pruning_events_failed_total{reason=\"CheckpointNotFoundException\",topic=\"ranks-computed\"}"), 0.0);
        assertEquals(1, service.metric("pruning_events_failed_total{reason=\"CheckpointCorruptException\",topic=\"ranks-computed\"}"), 0.0);
    }

    @Test
    @Order(3)
    void redeliveredEventYieldsTheSameOutputWithoutRecomputation() {
        FiltersPruned first = decode(topics.await(OUT, KafkaTestClient.key("run-a"), 1, WAIT, SurgeonServiceIT::log).get(0));
        CheckpointKey key = CheckpointKey.parse(first.checkpoint());
        CheckpointManifest stored = store.manifest(key).orElseThrow();

        topics.send(IN, "run-a", EventCodec.encode(ranks.get("run-a")));

        FiltersPruned again = decode(topics.await(OUT, KafkaTestClient.key("run-a"), 2, WAIT, SurgeonServiceIT::log).get(1));
        assertEquals(first.checkpoint(), again.checkpoint());
        assertEquals(first.filtersPerLayer(), again.filtersPerLayer());
        assertEquals(first.stageSeconds(), again.stageSeconds());
        assertEquals(first.removed().keySet(), again.removed().keySet());
        first.removed().forEach((layer, filters) -> assertTrue(java.util.Arrays.equals(filters, again.removed().get(layer)), layer));
        assertEquals(stored, store.manifest(key).orElseThrow(), "the stored cut was not rewritten");
    }

    @Test
    @Order(4)
    void metricsAndHealthAreServed() {
        assertEquals(200, service.status("/q/health/live"), service.body("/q/health/live"));
        assertEquals(200, service.status("/q/health/ready"), service.body("/q/health/ready"));
        assertEquals(7, service.metric("pruning_events_in_total{topic=\"ranks-computed\"}"), 0.0);
        assertEquals(3, service.metric("pruning_events_out_total{topic=\"filters-pruned\"}"), 0.0);
        assertTrue(service.metric("pruning_stage_seconds_count{stage=\"surgery\"}") >= 3, service.body("/q/metrics"));
    }
}
