package dev.prune.loop;

/** Progress of a prune loop, for a progress bar or a log. */
public interface LoopListener {
    default void stage(int iteration, String stage, String detail) {
    }

    default void iterationDone(IterationResult result) {
    }
}
