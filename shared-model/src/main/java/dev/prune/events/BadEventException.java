package dev.prune.events;

import dev.prune.error.PruningException;

/** An event that cannot be processed: malformed JSON, unknown version, bad fields. Carries the run id when known. */
public class BadEventException extends PruningException {
    private final String runId;

    public BadEventException(String runId, String message, Throwable cause) {
        super(message, cause);
        this.runId = runId;
    }

    /** The run the event belongs to, or null when even that could not be read. */
    public String runId() {
        return runId;
    }
}
