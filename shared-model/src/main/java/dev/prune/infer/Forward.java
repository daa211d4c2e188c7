package dev.prune.infer;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A network ready to answer: inputs in, class probabilities out. Not for concurrent use. */
@FunctionalInterface
public interface Forward extends AutoCloseable {
    INDArray output(INDArray input);

    /** Releases what the runtime holds for this network (native memory for a compiled one). */
    @Override
    default void close() {
    }
}
