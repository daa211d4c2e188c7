package dev.prune.store;

/** A different model is already stored under the key; checkpoints are written once and never overwritten. */
public class CheckpointExistsException extends CheckpointStoreException {
    private final CheckpointKey key;
    private final String existingSha256;
    private final String newSha256;
    private final CheckpointManifest existing;

    public CheckpointExistsException(CheckpointKey key, CheckpointManifest existing, String newSha256, String store) {
        super("checkpoint " + key + " already exists in " + store + " with a different model (stored sha256 "
                + existing.sha256() + ", new sha256 " + newSha256 + "); checkpoints are never overwritten: "
                + "keep using the stored one, or write the new model under another iteration or stage");
        this.key = key;
        this.existing = existing;
        this.existingSha256 = existing.sha256();
        this.newSha256 = newSha256;
    }

    public CheckpointKey key() {
        return key;
    }

    public String existingSha256() {
        return existingSha256;
    }

    /** The manifest stored first: the answer for whoever lost the race. */
    public CheckpointManifest existing() {
        return existing;
    }

    public String newSha256() {
        return newSha256;
    }
}
