package dev.prune.store;

/** A different model is already stored under the key; checkpoints are written once and never overwritten. */
public class CheckpointExistsException extends CheckpointStoreException {
    private final CheckpointKey key;
    private final String existingSha256;
    private final String newSha256;

    public CheckpointExistsException(CheckpointKey key, String existingSha256, String newSha256, String store) {
        super("checkpoint " + key + " already exists in " + store + " with a different model (stored sha256 "
                + existingSha256 + ", new sha256 " + newSha256 + "); checkpoints are never overwritten: "
                + "keep using the stored one, or write the new model under another iteration or stage");
        this.key = key;
        this.existingSha256 = existingSha256;
        this.newSha256 = newSha256;
    }

    public CheckpointKey key() {
        return key;
    }

    public String existingSha256() {
        return existingSha256;
    }

    public String newSha256() {
        return newSha256;
    }
}
