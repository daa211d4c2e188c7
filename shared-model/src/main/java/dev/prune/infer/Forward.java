package dev.prune.infer;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A network ready to answer: inputs in, class probabilities out. Not for concurrent use. */
@FunctionalInterface
public interface Forward extends AutoCloseable {
    /** The answer, a new array the caller keeps. */
    INDArray output(INDArray input);

    /**
     * Writes the answer into {@code into} (float, the answer's shape), as a serving loop that reuses one array
     * does; {@link dev.prune.measure.LatencyMeter} times this form, so that a latency is the network's and not
     * also an allocation's (a compiled network writes it directly; DL4J's layers answer into a new array first).
     */
    default void output(INDArray input, INDArray into) {
        into.assign(output(input));
    }

    /** Releases what the runtime holds for this network (native memory for a compiled one). */
    @Override
    default void close() {
    }
}
