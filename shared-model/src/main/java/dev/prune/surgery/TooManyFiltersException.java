package dev.prune.surgery;

import dev.prune.error.PruningException;

/** A request to remove more filters than the network (or a layer) can give. */
public class TooManyFiltersException extends PruningException {
    public TooManyFiltersException(String message) {
        super(message);
    }
}
