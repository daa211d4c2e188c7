package dev.prune.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FolderCheckpointStoreTest extends CheckpointStoreContractTest {

    private Path root() {
        return work.resolve("store");
    }

    @Override
    CheckpointStore newStore() {
        return new FolderCheckpointStore(root());
    }

    @Override
    void writeRawObject(String objectKey, byte[] content) throws Exception {
        Path file = root().resolve(objectKey);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    @Test
    void putLeavesExactlyTheModelAndManifestOnDisk() throws Exception {
        CheckpointKey key = new CheckpointKey("run-7", 3, "finetuned");
        CheckpointManifest stored = store.put(key, file("model.zip", randomBytes(1234, 1)), meta());

        Path folder = root().resolve("runs/run-7/iter-003/finetuned");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("manifest.json", "model-" + stored.sha256() + ".zip"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        String json = Files.readString(folder.resolve("manifest.json"));
        assertTrue(json.contains("\"filters_per_layer\""), json);
    }

    @Test
    void describeNamesTheRoot() {
        assertTrue(store.describe().contains(root().toAbsolutePath().toString()), store.describe());
    }
}
