package dev.prune.data;

import dev.prune.error.PruningException;

/**
 * A data set was found but cannot be used: a corrupt or truncated file, a folder laid out the
 * wrong way, labels that do not fit. The message says what was found and what to do.
 */
public class InvalidDatasetException extends PruningException {
    public InvalidDatasetException(String message) {
        super(message);
    }

    public InvalidDatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
