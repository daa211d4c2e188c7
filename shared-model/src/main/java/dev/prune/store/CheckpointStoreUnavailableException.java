package dev.prune.store;

import dev.prune.error.TransientFault;

/** The store could not be reached or answered with a server error: worth retrying, unlike a refused request. */
public class CheckpointStoreUnavailableException extends CheckpointStoreException implements TransientFault {
    public CheckpointStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
