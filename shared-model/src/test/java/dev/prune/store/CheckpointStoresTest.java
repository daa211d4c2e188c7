package dev.prune.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoresTest {
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
    void folderTypeFromMap() {
        CheckpointStore store = CheckpointStores.fromSettings(Map.of(
                "store.type", "folder", "store.folder.root", work.resolve("cp").toString()));

        FolderCheckpointStore folder = assertInstanceOf(FolderCheckpointStore.class, store);
        assertEquals(work.resolve("cp").toAbsolutePath(), folder.root());
    }

    @Test
    void folderTypeFromPropertiesWithPruningPrefix() {
        Properties properties = new Properties();
        properties.setProperty("pruning.store.type", "FOLDER");
        properties.setProperty("pruning.store.folder.root", work.toString());

        FolderCheckpointStore folder = assertInstanceOf(FolderCheckpointStore.class,
                CheckpointStores.fromSettings(properties));
        assertEquals(work.toAbsolutePath(), folder.root());
    }

    @Test
    void folderIsTheDefault() {
        FolderCheckpointStore folder = assertInstanceOf(FolderCheckpointStore.class,
                CheckpointStores.fromSettings(Map.of()));
        assertTrue(folder.root().endsWith(Path.of(CheckpointStores.DEFAULT_FOLDER_ROOT)), folder.root().toString());
    }

    @Test
    void unknownTypeListsTheValidOnes() {
        CheckpointStoreSettingsException e = assertThrows(CheckpointStoreSettingsException.class,
                () -> CheckpointStores.fromSettings(Map.of("store.type", "gcs")));

        assertTrue(e.getMessage().contains("'gcs'"), e.getMessage());
        assertTrue(e.getMessage().contains("folder, s3"), e.getMessage());
    }

    @Test
    void s3TypeStoresAndFetchesThroughARealServer() throws Exception {
        Map<String, String> settings = Map.of(
                "store.type", "s3",
                "store.s3.endpoint", server.endpoint().toString(),
                "store.s3.bucket", "from-settings",
                "store.s3.region", "us-east-1",
                "store.s3.access-key", S3ProxyServer.ACCESS_KEY,
                "pruning.store.s3.secret-key", S3ProxyServer.SECRET_KEY);
        Path model = Files.write(work.resolve("model.zip"), new byte[] {4, 5, 6});
        CheckpointKey key = new CheckpointKey("run-s3", 2, "pruned");

        try (CheckpointStore store = CheckpointStores.fromSettings(settings)) {
            assertInstanceOf(S3CheckpointStore.class, store);
            CheckpointManifest stored = store.put(key, model, CheckpointStoreContractTest.meta());
            assertEquals(stored, store.fetch(key, work.resolve("back.zip")));
        }
    }

    @Test
    void s3WithoutBucketSaysWhichSettingIsMissing() {
        CheckpointStoreSettingsException e = assertThrows(CheckpointStoreSettingsException.class,
                () -> CheckpointStores.fromSettings(Map.of("store.type", "s3")));

        assertTrue(e.getMessage().contains("pruning.store.s3.bucket"), e.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        CheckpointStoreSettingsException flag = assertThrows(CheckpointStoreSettingsException.class,
                () -> CheckpointStores.s3Settings(Map.of("store.s3.bucket", "b", "store.s3.path-style", "yes")));
        assertTrue(flag.getMessage().contains("pruning.store.s3.path-style='yes'"), flag.getMessage());

        CheckpointStoreSettingsException endpoint = assertThrows(CheckpointStoreSettingsException.class,
                () -> CheckpointStores.s3Settings(Map.of("store.s3.bucket", "b", "store.s3.endpoint", "minio:9000")));
        assertTrue(endpoint.getMessage().contains("minio:9000"), endpoint.getMessage());

        CheckpointStoreSettingsException halfCredentials = assertThrows(CheckpointStoreSettingsException.class,
                () -> CheckpointStores.s3Settings(Map.of("store.s3.bucket", "b", "store.s3.access-key", "a")));
        assertTrue(halfCredentials.getMessage().contains("pruning.store.s3.secret-key"),
                halfCredentials.getMessage());
    }

    @Test
    void conflictingPrefixedAndBareValuesAreRefusedWithoutEchoingSecrets() {
        CheckpointStoreSettingsException e = assertThrows(CheckpointStoreSettingsException.class,
                () -> CheckpointStores.s3Settings(Map.of("store.s3.bucket", "b",
                        "store.s3.secret-key", "s3cr3t-one", "pruning.store.s3.secret-key", "s3cr3t-two")));

        assertTrue(e.getMessage().contains("keep only one"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void s3SettingsDefaults() {
        S3Settings settings = CheckpointStores.s3Settings(Map.of("store.s3.bucket", "b"));

        assertEquals(S3Settings.DEFAULT_REGION, settings.region());
        assertTrue(settings.pathStyle());
        assertTrue(settings.createBucket());
        assertFalse(settings.hasStaticCredentials());
        assertEquals(null, settings.endpoint());
    }
}
