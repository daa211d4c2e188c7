package dev.prune.store;

import dev.prune.error.PruningException;

/** A run id, stage, iteration or object key does not form a valid checkpoint key. */
public class InvalidCheckpointKeyException extends PruningException {
    public InvalidCheckpointKeyException(String message) {
        super(message);
    }
}
