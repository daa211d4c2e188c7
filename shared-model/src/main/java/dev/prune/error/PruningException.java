package dev.prune.error;

/**
 * Base of every error the engine raises on bad input. The message always says what was wrong
 * and what to do about it, so callers (CLI, services) can show it as is.
 */
public class PruningException extends RuntimeException {
    public PruningException(String message) {
        super(message);
    }

    public PruningException(String message, Throwable cause) {
        super(message, cause);
    }
}
