package dev.prune.runtime;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Process-wide ND4J settings every entry point applies once. DL4J's BatchNorm on CPU frees
 * native memory only when the Java GC runs (75-95 MB per step was measured), so ND4J's periodic
 * GC keeps long runs flat.
 */
public final class Nd4jRuntime {
    private static volatile boolean configured;

    private Nd4jRuntime() {
    }

    public static synchronized void configure(long gcWindowMillis) {
        if (configured) {
            return;
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getMemoryManager().setAutoGcWindow((int) gcWindowMillis);
        Nd4j.getMemoryManager().togglePeriodicGc(gcWindowMillis > 0);
        configured = true;
    }

    public static void configure() {
        configure(Long.getLong("pruning.nd4j.gc-window-ms", 2000));
    }
}
