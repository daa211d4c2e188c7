package dev.prune.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.local.KafkaTestClient;
import dev.prune.local.LocalPipeline;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStore;
import dev.prune.store.FolderCheckpointStore;
import org.junit.jupiter.api.AfterAll;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The four services as separate processes from their jars, a real Kafka broker (KRaft), the real
 * PostgreSQL and a folder object store: whole runs, two runs at once, and a crash mid-stage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndIT {
    private static Path work;
    private static LocalPipeline pipeline;
    private static CheckpointStore store;
    private static Ledger ledger;
    private static final String PREFIX = "e2e" + Long.toHexString(System.currentTimeMillis());

    @BeforeAll
    static void startPipeline() throws Exception {
        work = Files.createTempDirectory("pruning-e2e-");
        Path storeRoot = work.resolve("store");
        store = new FolderCheckpointStore(storeRoot);
        pipeline = E2ePipelines.withFolderStore(work, storeRoot, "evaluator_e2e", Map.of());
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
    void aRunOfTwoIterationsCompletesWithLedgerAndLineage() throws Exception {
        String run = PREFIX + "-a";
        String base = TinyBase.storeAsBase(store, run, work.resolve("models"));
        long start = System.nanoTime();
        assertEquals(202, ledger.start(run, base, Ledger.tinySpec(2)).statusCode());
        JsonNode done = ledger.await(run, Ledger::completed, Duration.ofMinutes(15));
        System.out.printf("e2e run of 2 iterations: %.1f s%n", (System.nanoTime() - start) / 1e9);

        List<Integer> iterations = new ArrayList<>();
        done.path("iterations").forEach(i -> iterations.add(i.path("iteration").asInt()));
        assertEquals(List.of(0, 1, 2), iterations);
        JsonNode last = done.path("iterations").get(2);
        assertEquals("STOP", last.path("decision").asText());
        assertTrue(done.path("stop_reason").asText().contains("iteration cap"), done.toString());
        int filters = 0;
        for (JsonNode f : last.path("filters_per_layer")) {
            filters += f.asInt();
        }
        assertEquals(192 - 32, filters);
        for (String stage : List.of("rank", "surgery", "finetune")) {
            assertTrue(last.path("stage_seconds").has(stage), "stage seconds: " + last.path("stage_seconds"));
        }
        assertEquals(new CheckpointKey(run, 2, "finetuned").prefix(), done.path("final_checkpoint").asText());
        assertEquals(List.of("2/finetuned", "2/pruned", "1/finetuned", "1/pruned", "0/base"),
                lineage(done.path("final_checkpoint").asText()));
    }

    @Test
    @Order(2)
    void twoRunsStartedTogetherBothComplete() throws Exception {
        String first = PREFIX + "-b1";
        String second = PREFIX + "-b2";
        assertEquals(202, ledger.start(first, TinyBase.storeAsBase(store, first, work.resolve("models")), Ledger.tinySpec(1)).statusCode());
        assertEquals(202, ledger.start(second, TinyBase.storeAsBase(store, second, work.resolve("models")), Ledger.tinySpec(1)).statusCode());
        JsonNode a = ledger.await(first, Ledger::completed, Duration.ofMinutes(15));
        JsonNode b = ledger.await(second, Ledger::completed, Duration.ofMinutes(15));
        assertEquals(2, a.path("iterations").size());
        assertEquals(2, b.path("iterations").size());
    }

    @Test
    @Order(3)
    void aServiceKilledMidStageIsRedoneAndTheRunCompletesOnce() throws Exception {
        String run = PREFIX + "-c";
        // ranked from the fine-tuning's own passes: the killed trainer was also gathering the next ranking
        var spec = Ledger.tinySpec(2).put("rank_source", "finetune");
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), spec).statusCode());
        // wait until iteration 1 has been cut: the trainer is now fine-tuning it
        E2ePipelines.awaitStored(store, new CheckpointKey(run, 1, "pruned"), Duration.ofMinutes(10));
        pipeline.killAndRestart("trainer-service");
        JsonNode done = ledger.await(run, Ledger::completed, Duration.ofMinutes(15));
        List<Integer> iterations = new ArrayList<>();
        done.path("iterations").forEach(i -> iterations.add(i.path("iteration").asInt()));
        assertEquals(List.of(0, 1, 2), iterations, "no iteration lost or duplicated");
        assertEquals("sample", store.manifest(new CheckpointKey(run, 1, "ranked")).orElseThrow().extra().get("rank_source"));
        assertEquals("finetune", store.manifest(new CheckpointKey(run, 2, "ranked")).orElseThrow().extra().get("rank_source"));
    }

    @Test
    @Order(4)
    void aDuplicateOfEachStagesInputArrivingWhileTheOriginalIsProcessedIsNeverComputedTwice() throws Exception {
        String run = PREFIX + "-dup";
        Map<String, Double> computedBefore = computedPerService();
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), Ledger.tinySpec(1)).statusCode());
        try (var topics = new KafkaTestClient(pipeline.broker().bootstrapServers())) {
            // each input, sent again the moment it appears: its consumer is working on the original right then
            for (String topic : List.of("evaluated", "ranks-computed", "filters-pruned", "finetuned")) {
                var original = topics.await(topic, KafkaTestClient.key(run), 1, Duration.ofMinutes(10), () -> "").get(0);
                topics.send(topic, run, original.value());
            }
        }
        JsonNode done = ledger.await(run, Ledger::completed, Duration.ofMinutes(15));
        List<Integer> iterations = new ArrayList<>();
        done.path("iterations").forEach(i -> iterations.add(i.path("iteration").asInt()));
        assertEquals(List.of(0, 1), iterations, "each iteration once");
        Map<String, Double> computed = computedPerService();
        for (String service : List.of("ranker-service", "surgeon-service", "trainer-service")) {
            assertEquals(1.0, computed.get(service) - computedBefore.get(service), 0.0,
                    service + " computed its one output once, the duplicate took it from the store");
        }
    }

    @Test
    @Order(5)
    void aRunCancelledMidRunGetsNoMoreOutputWhileAnotherRunGoesOn() throws Exception {
        String cancelled = PREFIX + "-cancel";
        String other = PREFIX + "-goes-on";
        assertEquals(202, ledger.start(cancelled, TinyBase.storeAsBase(store, cancelled, work.resolve("models")),
                Ledger.tinySpec(3)).statusCode());
        assertEquals(202, ledger.start(other, TinyBase.storeAsBase(store, other, work.resolve("models")),
                Ledger.tinySpec(1)).statusCode());
        E2ePipelines.awaitStored(store, new CheckpointKey(cancelled, 1, "ranked"), Duration.ofMinutes(10));
        var answer = ledger.cancel(cancelled);
        assertEquals(200, answer.statusCode(), answer.body());
        long cancelledAt = System.currentTimeMillis();
        assertEquals(2, ledger.await(other, Ledger::completed, Duration.ofMinutes(15)).path("iterations").size());
        try (var topics = new KafkaTestClient(pipeline.broker().bootstrapServers())) {
            for (String topic : List.of("evaluated", "ranks-computed", "filters-pruned", "finetuned")) {
                // what was in flight when the cancel came (its stage had already emitted) is allowed; nothing after
                long late = topics.read(topic).stream().filter(KafkaTestClient.key(cancelled))
                        .filter(r -> r.timestamp() > cancelledAt + 2000).count();
                assertEquals(0, late, "no " + topic + " event for the cancelled run after the cancel");
            }
        }
        JsonNode run = ledger.run(cancelled);
        assertEquals("CANCELLED", run.path("status").asText(), run.toString());
        assertTrue(run.path("iterations").size() <= 1, "no iteration evaluated after the cancel: " + run);
    }

    private static Map<String, Double> computedPerService() {
        Map<String, Double> computed = new java.util.HashMap<>();
        for (String service : List.of("ranker-service", "surgeon-service", "trainer-service")) {
            computed.put(service, pipeline.service(service).metric("pruning_checkpoints_computed_total"));
        }
        return computed;
    }

    private static List<String> lineage(String checkpoint) {
        List<String> chain = new ArrayList<>();
        CheckpointKey key = CheckpointKey.parse(checkpoint);
        while (key != null) {
            var manifest = store.manifest(key).orElseThrow();
            chain.add(manifest.iteration() + "/" + manifest.stage());
            key = manifest.parentKey().orElse(null);
        }
        return chain;
    }
}
