package dev.prune.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Write-once storage of model checkpoints: {@code model.zip} plus {@code manifest.json} under a
 * {@link CheckpointKey}. A checkpoint exists only once its manifest is written, and the manifest is written
 * after the model, so a crash never leaves a readable half checkpoint. Every reader verifies the model's
 * sha256 against the manifest.
 *
 * <p>Two writers of one key (a duplicate event handled by two replicas at once) never corrupt it: each payload is
 * stored under a name made of its sha256, and the manifest, written last, is created only if absent. The first
 * manifest written wins; the other writer gets {@link CheckpointExistsException} carrying the winner's manifest.
 *
 * <p>Beside the checkpoints, each run has one mutable {@link RunRecord} (its state), written by the evaluator.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Stores {@code modelZip} under {@code key}. If a checkpoint with the same sha256 is already there (a retried
     * stage), returns its manifest and writes nothing. A leftover model without a manifest is overwritten.
     *
     * @throws CheckpointExistsException when a different model is already stored under the key (also when another
     *                                   writer stored it while this one was writing); it carries the stored manifest
     */
    CheckpointManifest put(CheckpointKey key, Path modelZip, CheckpointMetadata meta);

    /** Whether a complete checkpoint (its manifest) is stored under the key. */
    boolean exists(CheckpointKey key);

    /** The manifest of the checkpoint, empty when there is none. */
    Optional<CheckpointManifest> manifest(CheckpointKey key);

    /**
     * Downloads {@code model.zip} to {@code destinationFile} (replacing it) and verifies its size and sha256
     * against the manifest. On any failure the destination file does not exist afterwards.
     *
     * @throws CheckpointNotFoundException when there is no checkpoint under the key
     * @throws CheckpointCorruptException  when the stored model does not match its manifest
     */
    CheckpointManifest fetch(CheckpointKey key, Path destinationFile);

    /** Keys of the complete checkpoints of a run, ordered by iteration, then stage in pipeline order. */
    List<CheckpointKey> list(String runId);

    /** The run's state as last written, empty when the store has never heard of the run. */
    Optional<RunRecord> runRecord(String runId);

    /** Writes (replaces) the run's state. */
    void putRunRecord(RunRecord record);

    /** Where this store keeps its checkpoints, for messages and logs. */
    String describe();

    @Override
    default void close() {
    }
}
