package dev.prune.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link S3CheckpointStore} reports a server it cannot use. */
class S3CheckpointStoreConnectionTest {
    private static S3ProxyServer server;

    @TempDir
    Path work;

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

    @Test
    void unreachableEndpointSaysWhichEndpointAndWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        S3Settings settings = S3Settings.of(endpoint, "us-east-1", "checkpoints", "a", "b")
                .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(1));

        long start = System.nanoTime();
        CheckpointStoreException e = assertThrows(CheckpointStoreException.class,
                () -> S3CheckpointStore.connect(settings));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(e.getMessage().startsWith("cannot reach S3 endpoint " + endpoint), e.getMessage());
        assertTrue(e.getMessage().contains("check pruning.store.s3.endpoint"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
    }

    @Test
    void wrongSecretKeySaysCredentialsWereRefused() {
        S3Settings settings = S3Settings.of(server.endpoint(), "us-east-1", "creds", S3ProxyServer.ACCESS_KEY,
                "wrong-secret");

        CheckpointStoreException e = assertThrows(CheckpointStoreException.class,
                () -> S3CheckpointStore.connect(settings));

        assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
        assertTrue(e.getMessage().contains("pruning.store.s3.secret-key"), e.getMessage());
    }

    @Test
    void missingBucketWithoutCreateBucketSaysHowToFixIt() {
        S3Settings settings = server.settings("never-created").withCreateBucket(false);

        CheckpointStoreException e = assertThrows(CheckpointStoreException.class,
                () -> S3CheckpointStore.connect(settings));

        assertTrue(e.getMessage().contains("'never-created' does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("pruning.store.s3.create-bucket=true"), e.getMessage());
    }

    @Test
    void storeOverCallersClientReportsMissingBucketOnWrite() throws Exception {
        Path model = Files.write(work.resolve("model.zip"), new byte[] {1, 2, 3});
        try (S3Client client = S3CheckpointStore.buildClient(server.settings("unused"));
             S3CheckpointStore store = new S3CheckpointStore(client, "no-such-bucket")) {

            CheckpointStoreException e = assertThrows(CheckpointStoreException.class,
                    () -> store.put(new CheckpointKey("r", 0, "base"), model, CheckpointStoreContractTest.meta()));

            assertTrue(e.getMessage().contains("'no-such-bucket' does not exist"), e.getMessage());
            assertFalse(e instanceof CheckpointExistsException);
        }
    }

    @Test
    void connectCreatesTheBucketOnceAndReconnectsToIt() throws Exception {
        Path model = Files.write(work.resolve("model.zip"), new byte[] {9, 8, 7});
        CheckpointKey key = new CheckpointKey("r", 0, "base");
        try (CheckpointStore first = S3CheckpointStore.connect(server.settings("reconnect"))) {
            first.put(key, model, CheckpointStoreContractTest.meta());
        }
        try (CheckpointStore second = S3CheckpointStore.connect(server.settings("reconnect").withCreateBucket(false))) {
            assertTrue(second.exists(key));
        }
    }

    @Test
    void settingsNeverPrintTheSecretKey() {
        assertFalse(server.settings("b").toString().contains(S3ProxyServer.SECRET_KEY));
    }
}
