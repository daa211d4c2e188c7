package dev.prune.trainer;

import dev.prune.data.FashionMnist;
import dev.prune.events.Evaluated;
import dev.prune.events.EventCodec;
import dev.prune.events.FiltersPruned;
import dev.prune.events.Finetuned;
import dev.prune.events.PipelineTopic;
import dev.prune.events.RunSpec;
import dev.prune.local.KafkaTestClient;
import dev.prune.local.ServiceProcess;
import dev.prune.local.StageServiceFixture;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.pipeline.DataCatalog;
import dev.prune.pipeline.RankStage;
import dev.prune.pipeline.SurgeryStage;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged trainer-service against a real Kafka broker (local-kafka) and a folder checkpoint store:
 * filters-pruned -> finetuned, its dead-letter topic, redelivery, metrics.
 * The pruned inputs are made here with shared-model's RankStage and SurgeryStage. No mocks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300)
class TrainerServiceIT {
    static final String PRUNED = PipelineTopic.FILTERS_PRUNED.name();
    static final String FINETUNED = PipelineTopic.FINETUNED.name();
    static final Duration WAIT = Duration.ofSeconds(150);
    /** A tiny run: 256 training images, fine-tune on 128 of them. */
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
    static final Map<String, FiltersPruned> pruned = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = StageServiceFixture.start(dir,
                Map.of(PRUNED, 3, FINETUNED, 3, PipelineTopic.FILTERS_PRUNED.deadLetterTopic(), 1));
        topics = fixture.topics();
        store = fixture.store();
        for (String run : java.util.List.of("run-a", "run-b")) {
            // what the evaluator writes when it registers a run: stages work only for runs known and RUNNING
            store.putRunRecord(new dev.prune.store.RunRecord(run, dev.prune.store.RunState.RUNNING, null, "test"));
        }
        var io = fixture.io();
        var ranker = new RankStage(io, new DataCatalog(MNIST));
        var surgeon = new SurgeryStage(io);
        for (String run : List.of("run-a", "run-b")) {
            String base = "runs/" + run + "/iter-000/base/";
            io.saveModel(CheckpointKey.parse(base), VggBuilder.build(VggSpec.vggSmall(false, 0)), null, "test", Map.of());
            var verdict = new Evaluated(1, run, 0, base, Evaluated.CONTINUE, "test", 0, base, Map.of(), SPEC);
            pruned.put(run, surgeon.handle(ranker.handle(verdict, n -> { }).orElseThrow()).orElseThrow());
        }
        service = fixture.startService("trainer-service", "trainer-service.log", Map.of());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String log() {
        return "---- trainer-service log ----\n" + service.logTail();
    }

    static Map<String, String> reasons(List<ConsumerRecord<String, String>> dead, String topic) {
        Map<String, String> reasons = new HashMap<>();
        for (var record : dead) {
            assertEquals(topic, KafkaTestClient.header(record, "dead-letter-topic"), "dead-letter-topic header");
            reasons.put(record.key(), KafkaTestClient.header(record, "dead-letter-reason"));
        }
        return reasons;
    }

    @Test
    @Order(1)
    void prunedModelIsFineTunedAndEmittedKeyedByRun() {
        topics.send(PRUNED, "run-a", EventCodec.encode(pruned.get("run-a")));

        var record = topics.await(FINETUNED, KafkaTestClient.key("run-a"), 1, WAIT, TrainerServiceIT::log).get(0);
        Finetuned out = EventCodec.decode(record.value(), Finetuned.class);
        assertEquals(1, out.iteration());
        assertEquals("runs/run-a/iter-001/pruned/", out.parentCheckpoint());
        assertEquals("runs/run-a/iter-001/finetuned/", out.checkpoint());
        assertEquals(pruned.get("run-a").removed().keySet(), out.removed().keySet());
        assertTrue(out.stageSeconds().keySet().containsAll(List.of("rank", "surgery", "finetune")), out.stageSeconds().toString());
        assertTrue(out.fineTuneImagesPerSecond() > 0);
        assertEquals(SPEC, out.spec());

        CheckpointManifest tuned = store.manifest(CheckpointKey.parse(out.checkpoint())).orElseThrow();
        assertEquals("trainer", tuned.producer());
        assertEquals("runs/run-a/iter-001/pruned/", tuned.parent());
        assertEquals(pruned.get("run-a").filtersPerLayer(), tuned.filtersPerLayer());
        assertEquals(128, ((Number) tuned.extra().get("finetune_images")).intValue());
    }

    @Test
    @Order(3)
    void badEventsGoToTheDeadLetterTopicsWithAReasonAndTheNextEventsAreServed() {
        String good = EventCodec.encode(pruned.get("run-b"));
        topics.send(PRUNED, "bad-json", "{\"run_id\": ");
        topics.send(PRUNED, "run-v9", good.replace("\"run_id\":\"run-b\"", "\"run_id\":\"run-v9\"").replace("\"version\":1", "\"version\":9"));
        topics.send(PRUNED, "run-b", good);

        assertEquals("runs/run-b/iter-001/finetuned/", EventCodec.decode(
                topics.await(FINETUNED, KafkaTestClient.key("run-b"), 1, WAIT, TrainerServiceIT::log).get(0).value(), Finetuned.class).checkpoint());

        Map<String, String> prunedReasons = reasons(topics.await(PRUNED + ".dlq", r -> true, 2, WAIT, TrainerServiceIT::log), PRUNED);
        assertEquals(2, prunedReasons.size(), prunedReasons.toString());
        assertTrue(prunedReasons.get("bad-json").contains("malformed JSON"), prunedReasons.toString());
        assertTrue(prunedReasons.get("run-v9").contains("version 9"), prunedReasons.toString());

        topics.awaitCommitted("trainer", PRUNED, WAIT, TrainerServiceIT::log);
        assertEquals(2, service.metric("pruning_events_failed_total{reason=\"BadEventException\",topic=\"filters-pruned\"}"), 0.0);
    }

    @Test
    @Order(4)
    void redeliveredEventsYieldTheSameOutputsWithoutRecomputation() {
        Finetuned first = EventCodec.decode(topics.await(FINETUNED, KafkaTestClient.key("run-a"), 1, WAIT, TrainerServiceIT::log).get(0).value(),
                Finetuned.class);
        CheckpointManifest tuned = store.manifest(CheckpointKey.parse(first.checkpoint())).orElseThrow();

        topics.send(PRUNED, "run-a", EventCodec.encode(pruned.get("run-a")));

        Finetuned again = EventCodec.decode(topics.await(FINETUNED, KafkaTestClient.key("run-a"), 2, WAIT, TrainerServiceIT::log).get(1).value(),
                Finetuned.class);
        assertEquals(first.checkpoint(), again.checkpoint());
        assertEquals(first.stageSeconds(), again.stageSeconds());
        assertEquals(first.fineTuneImagesPerSecond(), again.fineTuneImagesPerSecond());
        assertEquals(tuned.createdAt(), store.manifest(CheckpointKey.parse(first.checkpoint())).orElseThrow().createdAt(),
                "the fine-tuned model was not rewritten");
    }

    @Test
    @Order(5)
    void metricsAndHealthAreServed() {
        assertEquals(200, service.status("/q/health/live"), service.body("/q/health/live"));
        assertEquals(200, service.status("/q/health/ready"), service.body("/q/health/ready"));
        assertEquals(5, service.metric("pruning_events_in_total{topic=\"filters-pruned\"}"), 0.0);
        assertEquals(3, service.metric("pruning_events_out_total{topic=\"finetuned\"}"), 0.0);
        String metrics = service.body("/q/metrics");
        assertTrue(service.metric("pruning_images_per_second{stage=\"finetune\"}") > 0, metrics);
        assertTrue(metrics.contains("pruning_stage_seconds_count{stage=\"finetune\"}"), metrics);
    }
}
