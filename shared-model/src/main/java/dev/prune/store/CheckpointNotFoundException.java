package dev.prune.store;

/** No checkpoint (no manifest) is stored under the key. */
public class CheckpointNotFoundException extends CheckpointStoreException {
    private final CheckpointKey key;

    public CheckpointNotFoundException(CheckpointKey key, String store) {
        super("checkpoint " + key + " does not exist in " + store + "; check the run id, iteration and stage, "
                + "or run the stage that produces it first");
        this.key = key;
    }

    public CheckpointKey key() {
        return key;
    }
}
