package dev.prune.pipeline;

import dev.prune.error.PruningException;
import dev.prune.measure.ModelCost;
import dev.prune.measure.ModelMeter;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.CheckpointMetadata;
import dev.prune.store.CheckpointStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Moves models and rankings between the checkpoint store and memory, through a scratch folder. */
public final class CheckpointIO {
    private final CheckpointStore store;
    private final Path scratch;

    public CheckpointIO(CheckpointStore store, Path scratch) {
        this.store = store;
        this.scratch = scratch;
    }

    public CheckpointStore store() {
        return store;
    }

    public ConvNet loadModel(String checkpoint) {
        CheckpointKey key = CheckpointKey.parse(checkpoint);
        Path file = tempFile(".zip");
        try {
            store.fetch(key, file);
            return ModelFiles.load(file);
        } finally {
            delete(file);
        }
    }

    public CheckpointManifest saveModel(CheckpointKey key, ConvNet model, String parent, String producer,
                                        Map<String, Object> extra) {
        Path file = tempFile(".zip");
        try {
            ModelFiles.save(model, file);
            var cost = ModelCost.of(model);
            var meta = CheckpointMetadata.builder(producer)
                    .parent(parent == null ? null : CheckpointKey.parse(parent))
                    .architecture(architecture(model))
                    .filtersPerLayer(ModelMeter.filtersPerLayer(model))
                    .params(cost.params()).convFlops(cost.convFlops()).totalFlops(cost.totalFlops());
            extra.forEach(meta::extra);
            return store.put(key, file, meta.build());
        } finally {
            delete(file);
        }
    }

    public <T> T loadJson(String checkpoint, Class<T> type) {
        Path file = tempFile(".json");
        try {
            store.fetch(CheckpointKey.parse(checkpoint), file);
            return dev.prune.events.EventCodec.json().readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new PruningException("checkpoint " + checkpoint + " does not hold readable JSON: " + e.getMessage(), e);
        } finally {
            delete(file);
        }
    }

    public CheckpointManifest saveJson(CheckpointKey key, Object value, String parent, String producer, Map<String, Object> extra) {
        Path file = tempFile(".json");
        try {
            dev.prune.events.EventCodec.json().writeValue(file.toFile(), value);
            var meta = CheckpointMetadata.builder(producer).parent(parent == null ? null : CheckpointKey.parse(parent));
            extra.forEach(meta::extra);
            return store.put(key, file, meta.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(file);
        }
    }

    static String architecture(ConvNet model) {
        return "input " + model.input() + ", conv filters " + ModelMeter.filtersPerLayer(model).values();
    }

    private Path tempFile(String suffix) {
        try {
            Files.createDirectories(scratch);
            return Files.createTempFile(scratch, "ckpt-", suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // scratch files are best effort
        }
    }
}
