package dev.prune.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.local.LocalPipeline;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStore;
import dev.prune.store.CheckpointStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One whole run with the checkpoints in S3: a real S3 server (s3proxy) in this JVM, the services talking to it over HTTP. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class S3PipelineEndToEndIT {
    private static S3Proxy s3;
    private static TransientNio2BlobStore blobs;
    private static final Duration RETRY_BUDGET = Duration.ofSeconds(30);
    private static LocalPipeline pipeline;
    private static CheckpointStore store;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        blobs = new TransientNio2BlobStore();
        startS3(0);
        Map<String, String> storeSettings = Map.of(
                "pruning.store.type", "s3",
                "pruning.store.s3.endpoint", "http://127.0.0.1:" + s3.getPort(),
                "pruning.store.s3.bucket", "pruning-e2e",
                "pruning.store.s3.access-key", "e2e-access",
                "pruning.store.s3.secret-key", "e2e-secret");
        store = CheckpointStores.fromSettings(storeSettings);
        work = Files.createTempDirectory("pruning-e2e-s3-");
        var properties = new java.util.HashMap<>(storeSettings);
        // a short retry budget, so one test stays within it and one outlasts it
        properties.put("pruning.retry.max-duration", RETRY_BUDGET.toString());
        properties.put("pruning.retry.max-attempts", "100");
        properties.put("pruning.retry.max-backoff", "PT4S");
        pipeline = E2ePipelines.start(work, "evaluator_e2e", properties);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.stop();
        }
    }

    /** A fresh S3 server on the blobs the last one held, as a restarted MinIO on its volume. */
    private static void startS3(int port) throws Exception {
        s3 = S3Proxy.builder().blobStore(blobs)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "e2e-access", "e2e-secret")
                .endpoint(URI.create("http://127.0.0.1:" + port)).ignoreUnknownHeaders(true).build();
        s3.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(s3.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Stops the S3 server for {@code outage} in the middle of a run's iteration 1, then starts it again.
     *
     * @return the services whose readiness reported the retry (DOWN, pipeline-faults) meanwhile
     */
    private static java.util.Set<String> outage(String run, Duration outage) throws Exception {
        E2ePipelines.awaitStored(store, new CheckpointKey(run, 1, "ranked"), Duration.ofMinutes(10));
        int port = s3.getPort();
        s3.stop();
        java.util.Set<String> degraded = new java.util.TreeSet<>();
        long back = System.nanoTime() + outage.toNanos();
        while (System.nanoTime() < back) {
            for (String service : LocalPipeline.SERVICES) {
                var process = pipeline.service(service);
                if (process.status("/q/health/ready") == 503 && process.body("/q/health/ready").contains("pipeline-faults")) {
                    degraded.add(service);
                }
            }
            Thread.sleep(250);
        }
        startS3(port);
        return degraded;
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void theStoreAwayWithinTheRetryBudgetFailsNothing() throws Exception {
        String run = "e2es3out" + Long.toHexString(System.currentTimeMillis());
        var ledger = new Ledger(pipeline.evaluatorUrl(), pipeline.apiKey());
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), Ledger.tinySpec(1)).statusCode());
        var degraded = outage(run, RETRY_BUDGET.dividedBy(3));
        org.junit.jupiter.api.Assertions.assertFalse(degraded.isEmpty(), "a service retrying reports itself degraded");
        JsonNode done = ledger.await(run, Ledger::completed, Duration.ofMinutes(15));
        assertEquals(2, done.path("iterations").size(), done.toString());
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void theStoreAwayPastTheRetryBudgetFailsTheRunWithAReasonNamingTheFault() throws Exception {
        String run = "e2es3gone" + Long.toHexString(System.currentTimeMillis());
        var ledger = new Ledger(pipeline.evaluatorUrl(), pipeline.apiKey());
        assertEquals(202, ledger.start(run, TinyBase.storeAsBase(store, run, work.resolve("models")), Ledger.tinySpec(1)).statusCode());
        outage(run, RETRY_BUDGET.multipliedBy(2));
        JsonNode failed = ledger.await(run, r -> "FAILED".equals(r.path("status").asText()), Duration.ofMinutes(5));
        String reason = failed.path("failure_reason").asText();
        org.junit.jupiter.api.Assertions.assertTrue(reason.contains("transient fault outlasted the retry budget")
                && reason.contains("S3"), reason);
        // the store's record of the run, which every stage reads, says so too once the store is back
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (store.runRecord(run).map(r -> r.state() != dev.prune.store.RunState.FAILED).orElse(true)) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "run record never became FAILED");
            Thread.sleep(500);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aRunCompletesWithCheckpointsInS3() throws Exception {
        String run = "e2es3" + Long.toHexString(System.currentTimeMillis());
        var ledger = new Ledger(pipeline.evaluatorUrl(), pipeline.apiKey());
        String base = TinyBase.storeAsBase(store, run, work.resolve("models"));
        assertEquals(202, ledger.start(run, base, Ledger.tinySpec(1)).statusCode());
        JsonNode done = ledger.await(run, Ledger::completed, Duration.ofMinutes(15));
        assertEquals(new CheckpointKey(run, 1, "finetuned").prefix(), done.path("final_checkpoint").asText());
        assertEquals(true, store.exists(new CheckpointKey(run, 1, "finetuned")));
    }
}
