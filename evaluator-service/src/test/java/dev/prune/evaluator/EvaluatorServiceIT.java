package dev.prune.evaluator;

import dev.prune.events.PipelineTopic;
import dev.prune.events.EventCodec;
import dev.prune.events.Evaluated;
import dev.prune.events.Finetuned;
import dev.prune.events.StartPruning;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged evaluator against a real Kafka broker, the real PostgreSQL and a checkpoint folder: the
 * test plays the other services (it writes checkpoints and publishes their events) and watches what the
 * evaluator publishes, stores and serves. Every wait is on a condition.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = EvaluatorTestResource.class, restrictToAnnotatedClass = true)
class EvaluatorServiceIT {
    /** A measurement (model load, 128 test images, latency) on 2 contended cores, plus the first one's start-up. */
    private static final Duration MEASURED = Duration.ofMinutes(4);
    private static final Duration LEDGER = Duration.ofSeconds(60);

    private static TestPipeline pipeline;

    @BeforeAll
    static void connect() {
        pipeline = new TestPipeline(List.of(PipelineTopic.Names.EVALUATED, PipelineTopic.Names.START_PRUNING));
    }

    @AfterAll
    static void disconnect() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void startPruningRegistersTheRunAndEvaluatesItsBase() {
        String run = TestPipeline.runId("base");
        String base = pipeline.saveModel(run, 0, "base", null);
        pipeline.send(PipelineTopic.Names.START_PRUNING, new StartPruning(1, run, base, TestPipeline.SPEC));

        Evaluated verdict = awaitEvaluated(run, 0, 1).get(0);
        assertEquals(Evaluated.CONTINUE, verdict.decision(), verdict.reason());
        assertEquals(base, verdict.checkpoint());
        assertEquals(0, verdict.bestIteration());
        assertEquals(base, verdict.bestCheckpoint());
        assertEquals(TestPipeline.SPEC, verdict.spec());
        double accuracy = ((Number) verdict.metrics().get("accuracy")).doubleValue();
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertEquals(4, ((Map<?, ?>) verdict.metrics().get("filters_per_layer")).size(), "vgg-small has 4 conv layers");

        await().atMost(LEDGER).untilAsserted(() -> asOperator().get("/runs/{id}", run).then().statusCode(200)
                .body("status", equalTo("RUNNING"))
                .body("base_checkpoint", equalTo(base))
                .body("spec.max_iterations", equalTo(2))
                .body("iterations.size()", equalTo(1))
                .body("iterations[0].iteration", equalTo(0))
                .body("iterations[0].checkpoint", equalTo(base))
                .body("iterations[0].decision", equalTo("CONTINUE"))
                .body("iterations[0].params", equalTo(((Number) verdict.metrics().get("params")).intValue())));
        assertEquals("RUNNING", TestPipeline.sql("select status from {schema}.runs where id = ?", run));
        assertEquals(1L, TestPipeline.sql("select count(*) from {schema}.iterations where run_id = ? and iteration = 0", run));

        String metrics = asOperator().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("pruning_run_accuracy{run=\"" + run + "\"}"), "run gauges for " + run);
        assertTrue(metrics.contains("pruning_run_filters{layer=\"conv1\",run=\"" + run + "\"}"), "filters per layer of " + run);
        assertTrue(metrics.contains("pruning_stage_seconds_count{stage=\"evaluate\"}"), "evaluate stage timer");
        assertTrue(metrics.contains("pruning_events_in_total{topic=\"start-pruning\"}"), "events in");
        assertTrue(metrics.contains("pruning_events_out_total{topic=\"evaluated\"}"), "events out");
    }

    @Test
    void finetunedIterationsAreEvaluatedOnceAndRedeliveriesRepublishTheLedgersAnswer() throws java.io.IOException {
        String run = TestPipeline.runId("iter");
        String base = pipeline.saveModel(run, 0, "base", null);
        pipeline.send(PipelineTopic.Names.START_PRUNING, new StartPruning(1, run, base, TestPipeline.SPEC));
        awaitEvaluated(run, 0, 1);

        String tuned1 = pipeline.saveModel(run, 1, "finetuned", base);
        Finetuned first = finetuned(run, 1, base, tuned1);
        pipeline.send(PipelineTopic.Names.FINETUNED, first);
        ConsumerRecord<String, String> answer = awaitEvaluatedRecords(run, 1, 1).get(0);
        Evaluated verdict = EventCodec.decode(answer.value(), Evaluated.class);
        assertEquals(Evaluated.CONTINUE, verdict.decision(), verdict.reason());
        assertEquals(tuned1, verdict.checkpoint());

        // at-least-once: the same finetuned event again -> the same evaluated event, from the ledger
        pipeline.send(PipelineTopic.Names.FINETUNED, first);
        List<ConsumerRecord<String, String>> answers = awaitEvaluatedRecords(run, 1, 2);
        assertEquals(answer.value(), answers.get(1).value(), "a redelivery re-publishes the stored event unchanged "
                + "(a new measurement would have new latencies)");
        assertEquals(1L, TestPipeline.sql("select count(*) from {schema}.iterations where run_id = ? and iteration = 1", run));
        String stageSeconds = String.valueOf(TestPipeline.sql(
                "select stage_seconds::text from {schema}.iterations where run_id = ? and iteration = 1", run));
        assertTrue(stageSeconds.contains("\"rank\"") && stageSeconds.contains("\"evaluate\""), stageSeconds);

        // iteration 2 reaches the iteration cap: STOP, and the run is COMPLETED with the best checkpoint.
        // Sent twice at once: the two deliveries may be measured concurrently, the ledger keeps one answer
        String tuned2 = pipeline.saveModel(run, 2, "finetuned", tuned1);
        double measurements = evaluateCount();
        pipeline.send(PipelineTopic.Names.FINETUNED, finetuned(run, 2, tuned1, tuned2));
        pipeline.send(PipelineTopic.Names.FINETUNED, finetuned(run, 2, tuned1, tuned2));
        List<ConsumerRecord<String, String>> lastAnswers = awaitEvaluatedRecords(run, 2, 2);
        assertEquals(lastAnswers.get(0).value(), lastAnswers.get(1).value());
        assertEquals(measurements + 1, evaluateCount(), "iteration 2 is measured once");
        assertEquals(1L, TestPipeline.sql("select count(*) from {schema}.iterations where run_id = ? and iteration = 2", run));
        Evaluated last = EventCodec.decode(lastAnswers.get(0).value(), Evaluated.class);
        assertEquals(Evaluated.STOP, last.decision());
        assertTrue(last.reason().contains("iteration cap"), last.reason());
        await().atMost(LEDGER).untilAsserted(() -> asOperator().get("/runs/{id}", run).then().statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("final_checkpoint", equalTo(last.bestCheckpoint()))
                .body("best_iteration", equalTo(last.bestIteration()))
                .body("stop_reason", containsString("iteration cap"))
                .body("iterations.size()", equalTo(3))
                .body("iterations[1].removed.conv1.size()", equalTo(4)));
        // an ended run's gauges are gone, so /q/metrics stays bounded however many runs go by
        assertFalse(metrics().contains("run=\"" + run + "\""), "no gauges left for the COMPLETED run " + run);
        var record = new dev.prune.store.FolderCheckpointStore(java.nio.file.Path.of(System.getProperty(EvaluatorTestResource.STORE)))
                .runRecord(run).orElseThrow();
        assertEquals(dev.prune.store.RunState.COMPLETED, record.state(), "the stages see the run has ended");
        asOperator().get("/runs/{id}/report", run).then().statusCode(200)
                .body("iterations", equalTo(3))
                .body("base.iteration", equalTo(0))
                .body("result.iteration", equalTo(last.bestIteration()));
        String html = asOperator().get("/runs/{id}/report/summary.html", run).then().statusCode(200)
                .contentType(containsString("text/html")).extract().asString();
        assertEquals(4, html.split("<tr><td>").length, "one table row per iteration: " + html);
        assertTrue(html.contains("<img src=\"accuracy-vs-flops.png\""), html);
        asOperator().get("/runs/{id}/report/summary.md", run).then().statusCode(200)
                .contentType(containsString("text/markdown")).body(containsString("](filters-per-layer.png)"));
        for (String chart : List.of("accuracy-vs-flops.png", "filters-per-layer.png")) {
            byte[] png = asOperator().get("/runs/{id}/report/{file}", run, chart).then().statusCode(200)
                    .contentType("image/png").extract().asByteArray();
            assertEquals(800, javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth(), chart);
        }
        asOperator().get("/runs/{id}/report/report.json", run).then().statusCode(200)
                .body("final.iteration", equalTo(last.bestIteration())).body("iterations.size()", equalTo(3));
        asOperator().get("/runs/{id}/report/secrets.txt", run).then().statusCode(404)
                .body("error", containsString("summary.html"));
    }

    @Test
    void restListsGetsAndStartsRuns() {
        asOperator().contentType(ContentType.JSON)
                .body("{\"base_checkpoint\": \"runs/x/iter-000/base/\", \"spec\": {\"filters_per_iteration\": 0}}")
                .post("/runs").then().statusCode(400)
                .body("error", containsString("filters per iteration must be > 0, got 0"));
        asOperator().contentType(ContentType.JSON).body("{\"spec\": {}}")
                .post("/runs").then().statusCode(400).body("error", containsString("base_checkpoint is missing"));
        asOperator().contentType(ContentType.JSON).body("{\"base_checkpoint\": \"runs/nowhere/iter-000/base/\"}")
                .post("/runs").then().statusCode(400).body("error", containsString("not in the checkpoint store"));

        String run = TestPipeline.runId("rest");
        String base = pipeline.saveModel(run, 0, "base", null);
        String body = "{\"run_id\": \"" + run + "\", \"base_checkpoint\": \"" + base + "\", \"spec\": "
                + EventCodec.json().valueToTree(TestPipeline.SPEC) + "}";
        asOperator().contentType(ContentType.JSON).body(body).post("/runs").then().statusCode(202)
                .header("Location", containsString("/runs/" + run))
                .body("run_id", equalTo(run));
        await().atMost(LEDGER).until(() -> !pipeline.records(PipelineTopic.Names.START_PRUNING, run).isEmpty());
        StartPruning published = EventCodec.decode(pipeline.records(PipelineTopic.Names.START_PRUNING, run).get(0).value(), StartPruning.class);
        assertEquals(base, published.baseCheckpoint());
        assertEquals(TestPipeline.SPEC, published.spec());
        asOperator().contentType(ContentType.JSON).body(body).post("/runs").then().statusCode(409)
                .body("error", containsString("already in use"));

        JsonPath list = asOperator().get("/runs").then().statusCode(200).extract().jsonPath();
        assertTrue(list.getList("run_id").contains(run));
        List<String> created = list.getList("created_at");
        for (int i = 1; i < created.size(); i++) {
            assertFalse(Instant.parse(created.get(i)).isAfter(Instant.parse(created.get(i - 1))), "newest first: " + created);
        }
        asOperator().get("/runs/{id}", run).then().statusCode(200).body("run_id", equalTo(run)).body("base_checkpoint", equalTo(base));
        asOperator().get("/runs/{id}", "it-no-such-run").then().statusCode(404).body("error", containsString("no run"));

        // the evaluator takes the run it published
        assertEquals(Evaluated.CONTINUE, awaitEvaluated(run, 0, 1).get(0).decision());
        await().atMost(LEDGER).untilAsserted(() -> asOperator().get("/runs").then().body("run_id", hasItem(run)));
        asOperator().get("/q/openapi").then().statusCode(200).body(containsString("/runs"));
    }

    /** The caller every test is unless it says otherwise: the operator's API key. */
    private static io.restassured.specification.RequestSpecification asOperator() {
        return given().header("X-API-Key", EvaluatorTestResource.OPERATOR_KEY);
    }

    /** A run the ledger knows as RUNNING, as after its start-pruning event, without measuring a base. */
    private static void registerRunning(String run) {
        TestPipeline.sql("insert into {schema}.runs (id, status, created_at, updated_at) values (?, 'RUNNING', now(), now()) "
                + "returning id", run);
    }

    @Test
    void requestsWithoutTheRightCredentialsAreRefusedAndChangeNothing() {
        String body = "{\"run_id\": \"it-unauthorised\", \"base_checkpoint\": \"runs/x/iter-000/base/\"}";
        given().get("/runs").then().statusCode(401);
        given().header("X-API-Key", "wrong").get("/runs").then().statusCode(401);
        given().header("Authorization", "Bearer not.a.jwt").get("/runs").then().statusCode(401);
        given().contentType(ContentType.JSON).body(body).post("/runs").then().statusCode(401);
        given().header("X-API-Key", EvaluatorTestResource.VIEWER_KEY).contentType(ContentType.JSON).body(body).post("/runs")
                .then().statusCode(403);
        given().header("X-API-Key", EvaluatorTestResource.VIEWER_KEY).delete("/runs/{id}", "it-unauthorised").then().statusCode(403);
        given().header("X-API-Key", EvaluatorTestResource.VIEWER_KEY).get("/runs").then().statusCode(200);
        asOperator().get("/runs/{id}", "it-unauthorised").then().statusCode(404);
        // health stays open for orchestrators
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void bearerTokensSignedByTheConfiguredIssuerCarryTheirRoles() {
        String base = pipeline.saveModel(TestPipeline.runId("jwt"), 0, "base", null);
        String viewer = token("https://pruning.local/issuer", "viewer");
        String operator = token("https://pruning.local/issuer", "operator");
        String stranger = token("https://someone.else/issuer", "operator");
        given().auth().oauth2(viewer).get("/runs").then().statusCode(200);
        given().auth().oauth2(stranger).get("/runs").then().statusCode(401);
        String body = "{\"run_id\": \"" + TestPipeline.runId("jwt-run") + "\", \"base_checkpoint\": \"" + base + "\"}";
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body(body).post("/runs").then().statusCode(403);
        given().auth().oauth2(operator).contentType(ContentType.JSON).body(body).post("/runs").then().statusCode(202);
    }

    private static String token(String issuer, String role) {
        return io.smallrye.jwt.build.Jwt.issuer(issuer).subject("it-user").groups(java.util.Set.of(role))
                .expiresIn(300).sign(EvaluatorTestResource.TOKEN_KEYS.getPrivate());
    }

    @Test
    void dataSetsOutsideTheAllowedRootAndOversizedRequestsGetShortClear400s() {
        String base = pipeline.saveModel(TestPipeline.runId("limits"), 0, "base", null);
        for (String dataset : List.of("folder:/etc", "folder:../../etc", "folder:/tmp")) {
            String message = asOperator().contentType(ContentType.JSON)
                    .body("{\"base_checkpoint\": \"" + base + "\", \"spec\": {\"dataset\": \"" + dataset + "\"}}")
                    .post("/runs").then().statusCode(400).extract().jsonPath().getString("error");
            assertTrue(message.contains("allowed"), message);
            assertFalse(message.contains("passwd") || message.contains("hosts"), "never lists another folder: " + message);
        }
        asOperator().contentType(ContentType.JSON)
                .body("{\"base_checkpoint\": \"" + base + "\", \"spec\": {\"finetune_epochs\": 100000}}")
                .post("/runs").then().statusCode(400).body("error", containsString("evaluator.limits.max-finetune-epochs"));
        String huge = "x".repeat(200_000);
        String answer = asOperator().contentType(ContentType.JSON).body("{\"run_id\": \"" + huge + "\", \"base_checkpoint\": \""
                + base + "\"}").post("/runs").then().statusCode(400).extract().asString();
        assertTrue(answer.length() < 2_000, "a 400 never echoes a huge value: " + answer.length() + " characters");
        asOperator().contentType(ContentType.JSON).body("{\"pad\": \"" + "y".repeat(400_000) + "\"}").post("/runs")
                .then().statusCode(413);
    }

    @Test
    void cancelMarksTheRunCancelledForEveryStageAndAnEndedRunCannotBeCancelled() throws Exception {
        String run = TestPipeline.runId("cancel");
        registerRunning(run);
        asOperator().delete("/runs/{id}", run).then().statusCode(200).body("status", equalTo("CANCELLED"));
        var record = new dev.prune.store.FolderCheckpointStore(java.nio.file.Path.of(System.getProperty(EvaluatorTestResource.STORE)))
                .runRecord(run).orElseThrow();
        assertEquals(dev.prune.store.RunState.CANCELLED, record.state(), "the stages read the cancel from the store");
        asOperator().delete("/runs/{id}", run).then().statusCode(200).body("status", equalTo("CANCELLED"));
        String completed = TestPipeline.runId("completed");
        TestPipeline.sql("insert into {schema}.runs (id, status, created_at, updated_at) values (?, 'COMPLETED', now(), now()) "
                + "returning id", completed);
        asOperator().delete("/runs/{id}", completed).then().statusCode(409).body("error", containsString("already ended"));
        asOperator().get("/runs/{id}", completed).then().body("status", equalTo("COMPLETED"));
        asOperator().delete("/runs/{id}", "it-no-such-run").then().statusCode(404);
        // a finetuned event of the cancelled run is not evaluated, nothing is published for it
        String tuned = "runs/" + run + "/iter-001/finetuned/";
        pipeline.send(PipelineTopic.Names.FINETUNED, finetuned(run, 1, "runs/" + run + "/iter-001/pruned/", tuned));
        String after = TestPipeline.runId("after-cancel");
        pipeline.send(PipelineTopic.Names.START_PRUNING, new StartPruning(1, after, pipeline.saveModel(after, 0, "base", null), TestPipeline.SPEC));
        awaitEvaluated(after, 0, 1);
        assertTrue(pipeline.records(PipelineTopic.Names.EVALUATED, run).isEmpty(), "nothing emitted for a cancelled run");
        asOperator().get("/runs/{id}", run).then().body("status", equalTo("CANCELLED"));
    }

    @Test
    void badEventsAndDeadLettersFailTheirRunsAndTheServiceKeepsServing() {
        String malformed = TestPipeline.runId("malformed");
        registerRunning(malformed);
        pipeline.send(PipelineTopic.Names.START_PRUNING, malformed, "{\"version\": 1, \"run_id\": ", Map.of());
        String version9 = TestPipeline.runId("v9");
        registerRunning(version9);
        String v9 = EventCodec.encode(new StartPruning(1, version9, "runs/" + version9 + "/iter-000/base/", TestPipeline.SPEC))
                .replace("\"version\":1", "\"version\":9");
        pipeline.send(PipelineTopic.Names.START_PRUNING, version9, v9, Map.of());
        String deadLetter = TestPipeline.runId("dlq");
        registerRunning(deadLetter);
        // records on a dead-letter topic that no stage wrote (no reason header), or of runs not RUNNING, change nothing
        String forged = TestPipeline.runId("forged");
        registerRunning(forged);
        pipeline.send(PipelineTopic.EVALUATED.deadLetterTopic(), forged, "{\"version\":1,\"run_id\":\"" + forged + "\"}", Map.of());
        String stranger = TestPipeline.runId("stranger");
        pipeline.send(PipelineTopic.EVALUATED.deadLetterTopic(), stranger, "{}", Map.of("dead-letter-reason", "forged",
                "dead-letter-topic", PipelineTopic.Names.EVALUATED));
        pipeline.send(PipelineTopic.FILTERS_PRUNED.deadLetterTopic(), deadLetter, "{\"version\":1,\"run_id\":\"" + deadLetter + "\"}",
                Map.of("dead-letter-reason", "surgery failed: layer conv9 does not exist", "dead-letter-topic", PipelineTopic.Names.FILTERS_PRUNED));
        String unknown = TestPipeline.runId("unknown");
        String tuned = "runs/" + unknown + "/iter-001/finetuned/";
        pipeline.send(PipelineTopic.Names.FINETUNED, finetuned(unknown, 1, "runs/" + unknown + "/iter-001/pruned/", tuned));

        awaitFailed(malformed, PipelineTopic.Names.START_PRUNING, "malformed JSON");
        awaitFailed(version9, PipelineTopic.Names.START_PRUNING, "version 9");
        awaitFailed(deadLetter, PipelineTopic.Names.FILTERS_PRUNED, "surgery failed: layer conv9 does not exist");
        // an unknown run's bad event is dead-lettered, and the dead letter creates no run
        await().atMost(LEDGER).until(() -> metrics().contains("pruning_events_failed_total{reason=\"UnknownRunException\",topic=\"finetuned\"}"));
        asOperator().get("/runs/{id}", unknown).then().statusCode(404);
        asOperator().get("/runs/{id}", stranger).then().statusCode(404);
        asOperator().get("/runs/{id}", forged).then().statusCode(200).body("status", equalTo("RUNNING"));

        // the next good event is processed
        String good = TestPipeline.runId("after-bad");
        String base = pipeline.saveModel(good, 0, "base", null);
        pipeline.send(PipelineTopic.Names.START_PRUNING, new StartPruning(1, good, base, TestPipeline.SPEC));
        assertEquals(Evaluated.CONTINUE, awaitEvaluated(good, 0, 1).get(0).decision());
        asOperator().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        String metrics = asOperator().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("pruning_events_failed_total{reason=\"BadEventException\",topic=\"start-pruning\"}"),
                "failed events are counted");
    }

    private static String metrics() {
        return asOperator().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** How many measurements the service has made (its evaluate stage timer). */
    private static double evaluateCount() {
        String prefix = "pruning_stage_seconds_count{stage=\"evaluate\"} ";
        return asOperator().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElse(0);
    }

    private static Finetuned finetuned(String run, int iteration, String parent, String checkpoint) {
        return new Finetuned(1, run, iteration, parent, checkpoint, Map.of("conv1", new int[] {0, 1, 2, 3}),
                Map.of("rank", 1.5, "surgery", 0.1, "finetune", 2.0), 100.0, TestPipeline.SPEC);
    }

    private static void awaitFailed(String run, String topic, String reason) {
        await().atMost(LEDGER).untilAsserted(() -> asOperator().get("/runs/{id}", run).then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failure_topic", equalTo(topic))
                .body("failure_reason", containsString(reason)));
    }

    private static List<Evaluated> awaitEvaluated(String run, int iteration, int count) {
        return awaitEvaluatedRecords(run, iteration, count).stream()
                .map(r -> EventCodec.decode(r.value(), Evaluated.class)).toList();
    }

    /** Waits until {@code count} evaluated events of the run's iteration were published. */
    private static List<ConsumerRecord<String, String>> awaitEvaluatedRecords(String run, int iteration, int count) {
        await().atMost(MEASURED).pollInterval(Duration.ofMillis(200))
                .until(() -> evaluated(run, iteration).size() >= count);
        List<ConsumerRecord<String, String>> records = evaluated(run, iteration);
        assertEquals(count, records.size(), "evaluated events of " + run + " iteration " + iteration);
        records.forEach(r -> assertNotNull(r.key()));
        return records;
    }

    private static List<ConsumerRecord<String, String>> evaluated(String run, int iteration) {
        return pipeline.records(PipelineTopic.Names.EVALUATED, run).stream()
                .filter(r -> EventCodec.decode(r.value(), Evaluated.class).iteration() == iteration).toList();
    }
}
