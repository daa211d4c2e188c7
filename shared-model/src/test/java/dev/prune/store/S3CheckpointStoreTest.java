package dev.prune.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

class S3CheckpointStoreTest extends CheckpointStoreContractTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyServer server;

    private String bucket;
    private S3Client raw;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    CheckpointStore newStore() {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        raw = S3CheckpointStore.buildClient(server.settings(bucket));
        return S3CheckpointStore.connect(server.settings(bucket));
    }

    @AfterEach
    void closeRawClient() {
        raw.close();
    }

    @Override
    void writeRawObject(String objectKey, byte[] content) {
        raw.putObject(b -> b.bucket(bucket).key(objectKey), RequestBody.fromBytes(content));
    }

    @Test
    void describeNamesBucketAndEndpoint() {
        assertTrue(store.describe().contains(bucket), store.describe());
        assertTrue(store.describe().contains(server.endpoint().toString()), store.describe());
    }
}
