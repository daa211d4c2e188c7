package dev.prune.data;

import dev.prune.error.PruningException;

/** A data set's files are not where they were looked for. The message names the missing file and how to get it. */
public class DatasetNotFoundException extends PruningException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
