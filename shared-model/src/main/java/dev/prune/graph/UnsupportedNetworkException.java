package dev.prune.graph;

import dev.prune.error.PruningException;

/** A layer arrangement that filter surgery cannot follow. */
public class UnsupportedNetworkException extends PruningException {
    public UnsupportedNetworkException(String message) {
        super(message);
    }
}
