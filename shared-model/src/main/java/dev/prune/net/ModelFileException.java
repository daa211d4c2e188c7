package dev.prune.net;

import dev.prune.error.PruningException;

/** A model file that is missing, corrupt, truncated or of the wrong kind. */
public class ModelFileException extends PruningException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
