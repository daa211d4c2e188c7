package dev.prune.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The checkpoint rules (write-once, manifest last, verify on read) on top of a plain object store that a
 * subclass provides: read, write, download and list objects by key.
 */
public abstract class AbstractCheckpointStore implements CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractCheckpointStore.class);
    private static final String MANIFEST_SUFFIX = "/" + CheckpointKey.MANIFEST_FILE;

    private final Clock clock;

    protected AbstractCheckpointStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The object's bytes, empty when there is no such object. */
    protected abstract Optional<byte[]> readObject(String objectKey);

    protected abstract boolean objectExists(String objectKey);

    /** Writes the file as the object, replacing any object there; visible only once complete. */
    protected abstract void writeObject(String objectKey, Path source, String sha256Hex);

    protected abstract void writeObject(String objectKey, byte[] content);

    /** Writes the object only if there is none under the key, atomically; false when one was there. */
    protected abstract boolean writeObjectIfAbsent(String objectKey, byte[] content);

    /** Deletes the object if there is one. */
    protected abstract void deleteObject(String objectKey);

    /** Copies the object into {@code target}, replacing it; false when there is no such object. */
    protected abstract boolean downloadObject(String objectKey, Path target);

    /** Keys of all objects whose key starts with {@code prefix}. */
    protected abstract List<String> listObjectKeys(String prefix);

    @Override
    public final CheckpointManifest put(CheckpointKey key, Path modelZip, CheckpointMetadata meta) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(meta, "meta");
        if (modelZip == null || !Files.isRegularFile(modelZip)) {
            throw new CheckpointStoreException("cannot store checkpoint " + key + ": model file " + modelZip
                    + " does not exist or is not a regular file; pass the path of the model.zip the stage wrote");
        }
        String sha256;
        long size;
        try {
            sha256 = Sha256.ofFile(modelZip);
            size = Files.size(modelZip);
        } catch (IOException | UncheckedIOException e) {
            throw new CheckpointStoreException("cannot read model file " + modelZip + " to store checkpoint " + key
                    + ": " + e.getMessage() + "; check the file is readable", e);
        }
        Optional<CheckpointManifest> existing = manifest(key);
        if (existing.isPresent()) {
            return existingOrConflict(key, existing.get(), sha256);
        }
        CheckpointManifest manifest = CheckpointManifest.create(key, meta, sha256, size, clock.instant());
        writeObject(manifest.modelObjectKey(), modelZip, sha256);
        if (!writeObjectIfAbsent(key.manifestKey(), CheckpointManifestJson.write(manifest))) {
            // another writer committed this key while we uploaded: its manifest is the answer
            CheckpointManifest winner = manifest(key).orElseThrow(() -> new CheckpointStoreException("checkpoint " + key
                    + " in " + describe() + " had a manifest a moment ago and has none now; checkpoints are never "
                    + "deleted by this system: check who removes objects from the store"));
            if (!winner.modelObjectKey().equals(manifest.modelObjectKey())) {
                deleteObject(manifest.modelObjectKey());
            }
            return existingOrConflict(key, winner, sha256);
        }
        LOG.info("stored checkpoint {} in {} ({} bytes, sha256 {})", key, describe(), size, sha256);
        return manifest;
    }

    private CheckpointManifest existingOrConflict(CheckpointKey key, CheckpointManifest existing, String sha256) {
        if (existing.sha256().equals(sha256)) {
            LOG.info("checkpoint {} already stored with the same model (sha256 {}); keeping it", key, sha256);
            return existing;
        }
        throw new CheckpointExistsException(key, existing, sha256, describe());
    }

    @Override
    public final Optional<RunRecord> runRecord(String runId) {
        String objectKey = CheckpointKey.runPrefix(runId) + CheckpointKey.RUN_FILE;
        return readObject(objectKey).map(json -> {
            try {
                return CheckpointManifestJson.mapper().readValue(json, RunRecord.class);
            } catch (IOException | RuntimeException e) {
                throw new CheckpointStoreException("run record " + objectKey + " in " + describe() + " is not readable ("
                        + e.getMessage() + "); it is written by the evaluator only: check who else writes there", e);
            }
        });
    }

    @Override
    public final void putRunRecord(RunRecord record) {
        try {
            writeObject(record.objectKey(), CheckpointManifestJson.mapper().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public final boolean exists(CheckpointKey key) {
        return objectExists(key.manifestKey());
    }

    @Override
    public final Optional<CheckpointManifest> manifest(CheckpointKey key) {
        return readObject(key.manifestKey()).map(json -> parseManifest(key, json));
    }

    @Override
    public final CheckpointManifest fetch(CheckpointKey key, Path destinationFile) {
        Objects.requireNonNull(key, "key");
        Path destination = destinationFile.toAbsolutePath();
        Path temp = null;
        try {
            CheckpointManifest manifest = manifest(key)
                    .orElseThrow(() -> new CheckpointNotFoundException(key, describe()));
            Files.createDirectories(destination.getParent());
            // download next to the destination so the final move is a rename and never exposes unverified bytes
            temp = Files.createTempFile(destination.getParent(), "." + destination.getFileName() + ".", ".part");
            if (!downloadObject(manifest.modelObjectKey(), temp)) {
                throw CheckpointCorruptException.modelMissing(key, describe(), manifest);
            }
            long size = Files.size(temp);
            String sha256 = Sha256.ofFile(temp);
            if (size != manifest.modelBytes() || !sha256.equals(manifest.sha256())) {
                throw CheckpointCorruptException.hashMismatch(key, describe(), manifest, sha256, size);
            }
            moveReplacing(temp, destination);
            LOG.debug("fetched checkpoint {} to {} (sha256 verified)", key, destination);
            return manifest;
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(temp);
            deleteQuietly(destination);
            throw new CheckpointStoreException("cannot fetch checkpoint " + key + " to " + destination + ": "
                    + e.getMessage() + "; check the destination folder is writable and has free space", e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            deleteQuietly(destination);
            throw e;
        }
    }

    @Override
    public final List<CheckpointKey> list(String runId) {
        return listObjectKeys(CheckpointKey.runPrefix(runId)).stream()
                .filter(objectKey -> objectKey.endsWith(MANIFEST_SUFFIX))
                .flatMap(objectKey -> parseKeyOrSkip(objectKey).stream())
                .filter(key -> key.runId().equals(runId))
                .distinct()
                .sorted()
                .toList();
    }

    private CheckpointManifest parseManifest(CheckpointKey key, byte[] json) {
        CheckpointManifest manifest;
        try {
            manifest = CheckpointManifestJson.read(json);
        } catch (IOException e) {
            throw new CheckpointCorruptException(key, "manifest of checkpoint " + key + " in " + describe()
                    + " is not a valid checkpoint manifest (" + e.getMessage() + "); delete " + key
                    + " from the store and re-run the stage that produced it", e);
        }
        if (!manifest.key().equals(key.prefix())) {
            throw new CheckpointCorruptException(key, "manifest stored under " + key + " in " + describe()
                    + " describes another checkpoint (" + manifest.key() + "); it was copied or moved by hand: "
                    + "delete " + key + " from the store and re-run the stage that produced it", null);
        }
        return manifest;
    }

    private static Optional<CheckpointKey> parseKeyOrSkip(String objectKey) {
        try {
            return Optional.of(CheckpointKey.parse(objectKey));
        } catch (InvalidCheckpointKeyException e) {
            LOG.debug("ignoring object {} that is not a checkpoint manifest key: {}", objectKey, e.getMessage());
            return Optional.empty();
        }
    }

    /** Renames {@code source} over {@code target}, atomically where the file system allows it. */
    protected static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    protected static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.getMessage());
        }
    }
}
