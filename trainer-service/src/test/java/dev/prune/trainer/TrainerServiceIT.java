package dev.prune.trainer;

import dev.prune.data.FashionMnist;
import dev.prune.events.Evaluated;
import dev.prune.events.EventCodec;
import dev.prune.events.FiltersPruned;
import dev.prune.events.Finetuned;
import dev.prune.events.RunSpec;
import dev.prune.events.TrainRequested;
import dev.prune.events.Trained;
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
 * filters-pruned -> finetuned and train-requested -> trained, their dead-letter topics, redelivery, metrics.
 * The pruned inputs are made here with shared-model's RankStage and SurgeryStage. No mocks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300)
class TrainerServiceIT {
    static final String PRUNED = "filters-pruned";
    static final String FINETUNED = "finetuned";
    static final String REQUESTED = "train-requested";
    static final String TRAINED = "trained";
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
                Map.of(PRUNED, 3, FINETUNED, 3, REQUESTED, 3, TRAINED, 3, PRUNED + ".dlq", 1, REQUESTED + ".dlq", 1));
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

    static TrainRequested request(String run) {
        return new TrainRequested(1, run, "vgg-small", false, 1, SPEC);
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
    @Order(2)
    void requestedBaseNetworkIsTrainedAndEmittedKeyedByRun() {
        topics.send(REQUESTED, "run-t", EventCodec.encode(request("run-t")));

        Trained out = EventCodec.decode(topics.await(TRAINED, KafkaTestClient.key("run-t"), 1, WAIT, TrainerServiceIT::log).get(0).value(),
                Trained.class);
        assertEquals("runs/run-t/iter-000/base/", out.checkpoint());
        assertTrue(out.trainSeconds() > 0);
        CheckpointManifest base = store.manifest(CheckpointKey.parse(out.checkpoint())).orElseThrow();
        assertEquals("trainer", base.producer());
        assertEquals(192, base.filtersPerLayer().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    @Order(3)
    void badEventsGoToTheDeadLetterTopicsWithAReasonAndTheNextEventsAreServed() {
        String good = EventCodec.encode(pruned.get("run-b"));
        topics.send(PRUNED, "bad-json", "{\"run_id\": ");
        topics.send(PRUNED, "run-v9", good.replace("\"run_id\":\"run-b\"", "\"run_id\":\"run-v9\"").replace("\"version\":1", "\"version\":9"));
        topics.send(PRUNED, "run-b", good);
        String request = EventCodec.encode(request("run-t2"));
        topics.send(REQUESTED, "run-policy", request.replace("\"run_id\":\"run-t2\"", "\"run_id\":\"run-policy\"")
                .replace("\"accuracy_budget\":0.05", "\"accuracy_budget\":-1.0"));
        topics.send(REQUESTED, "run-net", request.replace("\"run_id\":\"run-t2\"", "\"run_id\":\"run-net\"")
                .replace("\"network\":\"vgg-small\"", "\"network\":\"vgg-huge\""));
        topics.send(REQUESTED, "run-t2", request);

        assertEquals("runs/run-b/iter-001/finetuned/", EventCodec.decode(
                topics.await(FINETUNED, KafkaTestClient.key("run-b"), 1, WAIT, TrainerServiceIT::log).get(0).value(), Finetuned.class).checkpoint());
        assertEquals("runs/run-t2/iter-000/base/", EventCodec.decode(
                topics.await(TRAINED, KafkaTestClient.key("run-t2"), 1, WAIT, TrainerServiceIT::log).get(0).value(), Trained.class).checkpoint());

        Map<String, String> prunedReasons = reasons(topics.await(PRUNED + ".dlq", r -> true, 2, WAIT, TrainerServiceIT::log), PRUNED);
        assertEquals(2, prunedReasons.size(), prunedReasons.toString());
        assertTrue(prunedReasons.get("bad-json").contains("malformed JSON"), prunedReasons.toString());
        assertTrue(prunedReasons.get("run-v9").contains("version 9"), prunedReasons.toString());
        Map<String, String> requestReasons = reasons(topics.await(REQUESTED + ".dlq", r -> true, 2, WAIT, TrainerServiceIT::log), REQUESTED);
        assertEquals(2, requestReasons.size(), requestReasons.toString());
        assertTrue(requestReasons.get("run-policy").contains("accuracy budget"), requestReasons.toString());
        assertTrue(requestReasons.get("run-net").contains("unknown network 'vgg-huge'"), requestReasons.toString());

        topics.awaitCommitted("trainer", PRUNED, WAIT, TrainerServiceIT::log);
        topics.awaitCommitted("trainer-train", REQUESTED, WAIT, TrainerServiceIT::log);
        assertEquals(2, service.metric("pruning_events_failed_total{reason=\"BadEventException\",topic=\"filters-pruned\"}"), 0.0);
        assertEquals(1, service.metric("pruning_events_failed_total{reason=\"BadEventException\",topic=\"train-requested\"}"), 0.0);
        assertEquals(1, service.metric("pruning_events_failed_total{reason=\"PruningException\",topic=\"train-requested\"}"), 0.0);
    }

    @Test
    @Order(4)
    void redeliveredEventsYieldTheSameOutputsWithoutRecomputation() {
        Finetuned first = EventCodec.decode(topics.await(FINETUNED, KafkaTestClient.key("run-a"), 1, WAIT, TrainerServiceIT::log).get(0).value(),
                Finetuned.class);
        Trained firstBase = EventCodec.decode(topics.await(TRAINED, KafkaTestClient.key("run-t"), 1, WAIT, TrainerServiceIT::log).get(0).value(),
                Trained.class);
        CheckpointManifest tuned = store.manifest(CheckpointKey.parse(first.checkpoint())).orElseThrow();
        CheckpointManifest base = store.manifest(CheckpointKey.parse(firstBase.checkpoint())).orElseThrow();

        topics.send(PRUNED, "run-a", EventCodec.encode(pruned.get("run-a")));
        topics.send(REQUESTED, "run-t", EventCodec.encode(request("run-t")));

        Finetuned again = EventCodec.decode(topics.await(FINETUNED, KafkaTestClient.key("run-a"), 2, WAIT, TrainerServiceIT::log).get(1).value(),
                Finetuned.class);
        Trained baseAgain = EventCodec.decode(topics.await(TRAINED, KafkaTestClient.key("run-t"), 2, WAIT, TrainerServiceIT::log).get(1).value(),
                Trained.class);
        assertEquals(first.checkpoint(), again.checkpoint());
        assertEquals(first.stageSeconds(), again.stageSeconds());
        assertEquals(first.fineTuneImagesPerSecond(), again.fineTuneImagesPerSecond());
        assertEquals(firstBase, baseAgain);
        assertEquals(tuned.createdAt(), store.manifest(CheckpointKey.parse(first.checkpoint())).orElseThrow().createdAt(),
                "the fine-tuned model was not rewritten");
        assertEquals(base.createdAt(), store.manifest(CheckpointKey.parse(firstBase.checkpoint())).orElseThrow().createdAt(),
                "the base network was not rewritten");
    }

    @Test
    @Order(5)
    void metricsAndHealthAreServed() {
        assertEquals(200, service.status("/q/health/live"), service.body("/q/health/live"));
        assertEquals(200, service.status("/q/health/ready"), service.body("/q/health/ready"));
        assertEquals(5, service.metric("pruning_events_in_total{topic=\"filters-pruned\"}"), 0.0);
        assertEquals(5, service.metric("pruning_events_in_total{topic=\"train-requested\"}"), 0.0);
        assertEquals(3, service.metric("pruning_events_out_total{topic=\"finetuned\"}"), 0.0);
        assertEquals(3, service.metric("pruning_events_out_total{topic=\"trained\"}"), 0.0);
        String metrics = service.body("/q/metrics");
        assertTrue(service.metric("pruning_images_per_second{stage=\"finetune\"}") > 0, metrics);
        assertTrue(service.metric("pruning_images_per_second{stage=\"train\"}") > 0, metrics);
        assertTrue(metrics.contains("pruning_stage_seconds_count{stage=\"finetune\"}"), metrics);
    }
}
