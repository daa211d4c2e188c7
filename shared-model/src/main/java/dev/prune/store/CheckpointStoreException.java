package dev.prune.store;

import dev.prune.error.PruningException;

/** A checkpoint store could not do what was asked: I/O failure, unreachable server, refused credentials. */
public class CheckpointStoreException extends PruningException {
    public CheckpointStoreException(String message) {
        super(message);
    }

    public CheckpointStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
