package dev.prune.graph;

import dev.prune.error.PruningException;

/** A network with no convolution filters to prune. */
public class NoConvLayersException extends PruningException {
    public NoConvLayersException(String message) {
        super(message);
    }
}
