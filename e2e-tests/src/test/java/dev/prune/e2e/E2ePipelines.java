package dev.prune.e2e;

import dev.prune.local.LocalPipeline;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** How the end-to-end tests start the pipeline and wait on what it stores. */
final class E2ePipelines {
    private E2ePipelines() {
    }

    static Path projectRoot() {
        return Path.of(System.getProperty("pruning.home", "..")).toAbsolutePath().normalize();
    }

    /** The four services and a broker on the machine's PostgreSQL (ledger in {@code schema}) and a folder store. */
    static LocalPipeline withFolderStore(Path work, Path storeRoot, String schema, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "pruning.store.type", "folder",
                "pruning.store.folder.root", storeRoot.toString()));
        properties.putAll(extra);
        return start(work, schema, properties);
    }

    static LocalPipeline start(Path work, String schema, Map<String, String> storeAndOther) {
        Map<String, String> properties = new HashMap<>(storeAndOther);
        properties.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test");
        properties.put("quarkus.datasource.username", "postgres");
        properties.put("evaluator.db.schema", schema);
        return LocalPipeline.start(LocalPipeline.Settings.defaults(projectRoot(), work, properties));
    }

    /** Waits until the checkpoint is in the store. */
    static void awaitStored(CheckpointStore store, CheckpointKey key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!store.exists(key)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(key + " was not stored within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
