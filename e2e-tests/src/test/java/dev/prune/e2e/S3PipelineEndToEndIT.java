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
class S3PipelineEndToEndIT {
    private static S3Proxy s3;
    private static LocalPipeline pipeline;
    private static CheckpointStore store;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "e2e-access", "e2e-secret")
                .endpoint(URI.create("http://127.0.0.1:0")).ignoreUnknownHeaders(true).build();
        s3.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(s3.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Map<String, String> storeSettings = Map.of(
                "pruning.store.type", "s3",
                "pruning.store.s3.endpoint", "http://127.0.0.1:" + s3.getPort(),
                "pruning.store.s3.bucket", "pruning-e2e",
                "pruning.store.s3.access-key", "e2e-access",
                "pruning.store.s3.secret-key", "e2e-secret");
        store = CheckpointStores.fromSettings(storeSettings);
        Path root = Path.of(System.getProperty("pruning.home", "..")).toAbsolutePath().normalize();
        work = Files.createTempDirectory("pruning-e2e-s3-");
        var properties = new java.util.HashMap<>(storeSettings);
        properties.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test");
        properties.put("quarkus.datasource.username", "postgres");
        properties.put("evaluator.db.schema", "evaluator_e2e");
        pipeline = LocalPipeline.start(LocalPipeline.Settings.defaults(root, work, properties));
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

    @Test
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
