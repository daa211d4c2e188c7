package dev.prune.pipeline;

import dev.prune.error.PruningException;
import dev.prune.measure.ModelCost;
import dev.prune.measure.ModelMeter;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.store.CheckpointExistsException;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckpointIO.class);
    private final CheckpointStore store;
    private final Path scratch;
    private final java.util.concurrent.atomic.LongAdder computed = new java.util.concurrent.atomic.LongAdder();

    private final java.time.Duration pauseBeforeStore;

    public CheckpointIO(CheckpointStore store, Path scratch) {
        this(store, scratch, java.time.Duration.ZERO);
    }

    /**
     * @param pauseBeforeStore a wait between computing an output and storing it, announced in the log: the hook the
     *                         crash tests kill a service in (work done, output not stored); zero in production
     */
    public CheckpointIO(CheckpointStore store, Path scratch, java.time.Duration pauseBeforeStore) {
        this.store = store;
        this.scratch = scratch;
        this.pauseBeforeStore = pauseBeforeStore;
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

    /** Fetches the checkpoint's payload to scratch, verifying its sha256 against the manifest, and returns the manifest. */
    public CheckpointManifest verify(CheckpointKey key) {
        Path file = tempFile(".verify");
        try {
            return store.fetch(key, file);
        } finally {
            delete(file);
        }
    }

    /** Outputs this process computed and offered to the store (re-emits from a stored output are not counted). */
    public long computedCount() {
        return computed.sum();
    }

    /** What a save left in the store: the stored checkpoint, and whether it holds this save's bytes. */
    public record Stored(CheckpointManifest manifest, boolean ours) {
    }

    public CheckpointManifest saveModel(CheckpointKey key, ConvNet model, String parent, String producer,
                                        Map<String, Object> extra) {
        return storeModel(key, model, parent, producer, extra).manifest();
    }

    /** As {@link #saveModel}, telling whether this model or another copy's was stored first. */
    public Stored storeModel(CheckpointKey key, ConvNet model, String parent, String producer, Map<String, Object> extra) {
        computed.increment();
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
            return firstWriterWins(key, file, meta.build());
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
        computed.increment();
        Path file = tempFile(".json");
        try {
            dev.prune.events.EventCodec.json().writeValue(file.toFile(), value);
            var meta = CheckpointMetadata.builder(producer).parent(parent == null ? null : CheckpointKey.parse(parent));
            extra.forEach(meta::extra);
            return firstWriterWins(key, file, meta.build()).manifest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(file);
        }
    }

    /**
     * Stores the output, or, when another copy of the same event stored one first (training is not bit-reproducible, so
     * the bytes differ), takes the stored one as the answer: a duplicate never fails a run.
     */
    private Stored firstWriterWins(CheckpointKey key, Path file, CheckpointMetadata meta) {
        if (!pauseBeforeStore.isZero()) {
            LOG.warn("output {} computed, not stored yet: storing it in {} ms (pruning.debug.pause-before-store)", key,
                    pauseBeforeStore.toMillis());
            try {
                Thread.sleep(pauseBeforeStore.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            return new Stored(store.put(key, file, meta), true);
        } catch (CheckpointExistsException e) {
            LOG.info("checkpoint {} was stored first by another copy of this event (sha256 {}); that one is the answer",
                    key, e.existingSha256());
            return new Stored(e.existing(), false);
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
