package dev.prune.store;

/**
 * A stored checkpoint does not match its manifest (hash or size differs, model missing) or its manifest is
 * unreadable. The checkpoint must not be used.
 */
public class CheckpointCorruptException extends CheckpointStoreException {
    private final CheckpointKey key;
    private final String expectedSha256;
    private final String actualSha256;

    public CheckpointCorruptException(CheckpointKey key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.expectedSha256 = null;
        this.actualSha256 = null;
    }

    private CheckpointCorruptException(CheckpointKey key, String message, String expectedSha256, String actualSha256) {
        super(message);
        this.key = key;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    static CheckpointCorruptException hashMismatch(CheckpointKey key, String store, CheckpointManifest manifest,
                                                   String actualSha256, long actualBytes) {
        return new CheckpointCorruptException(key, "checkpoint " + key + " in " + store + " is corrupt: "
                + manifest.modelObjectKey() + " has sha256 " + actualSha256 + " (" + actualBytes + " bytes) but its "
                + "manifest expects sha256 " + manifest.sha256() + " (" + manifest.modelBytes() + " bytes); "
                + "do not use it: delete " + key + " from the store and re-run the stage that produced it ("
                + manifest.producer() + ")", manifest.sha256(), actualSha256);
    }

    static CheckpointCorruptException modelMissing(CheckpointKey key, String store, CheckpointManifest manifest) {
        return new CheckpointCorruptException(key, "checkpoint " + key + " in " + store + " is corrupt: its manifest "
                + "exists but " + manifest.modelObjectKey() + " is missing; delete " + key + " from the store and "
                + "re-run the stage that produced it (" + manifest.producer() + ")", manifest.sha256(), null);
    }

    public CheckpointKey key() {
        return key;
    }

    /** The sha256 the manifest records, or null when the manifest itself is unreadable. */
    public String expectedSha256() {
        return expectedSha256;
    }

    /** The sha256 of the bytes actually read, or null when they could not be read. */
    public String actualSha256() {
        return actualSha256;
    }
}
