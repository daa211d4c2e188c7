package dev.prune.store;

import dev.prune.error.PruningException;

/** The checkpoint store settings (pruning.store.*) are missing or invalid. */
public class CheckpointStoreSettingsException extends PruningException {
    public CheckpointStoreSettingsException(String message) {
        super(message);
    }
}
