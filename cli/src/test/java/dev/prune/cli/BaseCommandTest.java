package dev.prune.cli;

import dev.prune.net.InputShape;
import dev.prune.net.ModelFiles;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.store.CheckpointKey;
import dev.prune.store.FolderCheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class BaseCommandTest {

    @Test
    void storesAModelZipAsTheRunsBaseOnceAndKeepsIt(@TempDir Path dir) throws Exception {
        var model = VggBuilder.build(new VggSpec(new InputShape(1, 8, 8), List.of(List.of(4)), false, List.of(8), 3, 4));
        Path zip = dir.resolve("model.zip");
        ModelFiles.save(model, zip);
        Path root = dir.resolve("store");
        String[] args = {"--run", "r1", "--model", zip.toString(), "--store", "type=folder", "--store",
                "folder.root=" + root};

        assertEquals(0, new CommandLine(new BaseCommand()).execute(args));
        assertFalse(Files.exists(Path.of(".pruning", "checkpoints", "runs", "r1")), "not in the default folder");
        var key = CheckpointKey.parse("runs/r1/iter-000/base/");
        try (var store = new FolderCheckpointStore(root)) {
            var manifest = store.manifest(key).orElseThrow();
            assertEquals("cli", manifest.producer());
            assertEquals(dev.prune.store.Sha256.ofFile(zip), manifest.sha256());
        }
        Path other = dir.resolve("other.zip");
        ModelFiles.save(VggBuilder.build(new VggSpec(new InputShape(1, 8, 8), List.of(List.of(5)), false, List.of(8), 3, 4)), other);
        assertNotEquals(dev.prune.store.Sha256.ofFile(zip), dev.prune.store.Sha256.ofFile(other));
        String[] again = {"--run", "r1", "--model", other.toString(), "--store", "pruning.store.folder.root=" + root};
        assertEquals(0, new CommandLine(new BaseCommand()).execute(again), "a base already stored is kept");
        try (var store = new FolderCheckpointStore(root)) {
            assertEquals(dev.prune.store.Sha256.ofFile(zip), store.manifest(key).orElseThrow().sha256());
        }
    }

    @Test
    void aFileThatIsNoModelIsRefusedAndNothingStored(@TempDir Path dir) throws Exception {
        Path bogus = Files.writeString(dir.resolve("bogus.zip"), "not a zip");
        Path root = dir.resolve("store");
        int rc = new CommandLine(new BaseCommand()).execute("--run", "r2", "--model", bogus.toString(), "--store",
                "store.folder.root=" + root);
        assertNotEquals(0, rc);
        try (var store = new FolderCheckpointStore(root)) {
            assertFalse(store.manifest(CheckpointKey.parse("runs/r2/iter-000/base/")).isPresent());
        }
    }
}
