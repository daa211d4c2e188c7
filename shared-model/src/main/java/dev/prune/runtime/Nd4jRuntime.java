package dev.prune.runtime;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process-wide ND4J settings that every entry point applies once, before ND4J loads.
 * <ul>
 * <li>The native build: nd4j-native's oneDNN variant for the CPU at hand (AVX2 when present,
 * else the generic x86-64 one), so one installation serves every machine. DL4J's own
 * convolutions without oneDNN copy through a slow im2col and were 2-3x slower here.</li>
 * <li>DL4J's layer helpers (oneDNN), which M2.1 switches off by default.</li>
 * <li>A warning when oneDNN's kernel cache is left at its default (DNNL_PRIMITIVE_CACHE_CAPACITY unset:
 * 1,024 entries): it keeps the JIT-compiled kernels of the last shapes met, and pruning makes new shapes
 * every iteration, so a long-running process grows (about 0.9 MB per network shape was measured) until
 * the cache is full. 128 entries hold a training step's kernels at the same speed (0 was 15-25 % slower).
 * Only the environment can set it, so the launchers, test configuration and Dockerfiles do; the bundled
 * oneDNN reads the DNNL_ name, not ONEDNN_ (ONEDNN_ ... =0 left the growth as it was).</li>
 * <li>OpenBLAS on the calling thread only ({@link #OPENBLAS_THREADS}).</li>
 * <li>Not here but in {@link #releaseGarbage}: native buffers of garbage arrays are freed only when the Java
 * GC collects them, which for the old generation can take indefinitely long.</li>
 * </ul>
 */
public final class Nd4jRuntime {
    static final String NATIVE_VARIANT = "org.bytedeco.javacpp.platform.extension";
    static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";
    static final String KERNEL_CACHE = "DNNL_PRIMITIVE_CACHE_CAPACITY";
    /**
     * Unless the user sets it, OpenBLAS (DL4J's dense layers) runs on the calling thread only: its own worker
     * thread competes for the core where OpenMP's worker spins, and the caller yields until it is scheduled.
     * One thread made training steps 11 % (pruned vgg-small) and 5 % (vgg-small) faster (docs/performance.md).
     */
    static final String OPENBLAS_THREADS = "OPENBLAS_NUM_THREADS";
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jRuntime.class);
    private static volatile boolean configured;
    private static boolean nativeBuildSelected;
    private static volatile boolean trimUnavailableLogged;

    private Nd4jRuntime() {
    }

    public static synchronized void configure() {
        if (configured) {
            return;
        }
        selectNativeBuild();
        if (System.getenv(KERNEL_CACHE) == null) {
            LOG.warn("{} is not set: oneDNN keeps the kernels of the last 1,024 layer shapes, so memory grows with each"
                    + " pruning iteration; set {}=128 in the environment (./pruning and the Dockerfiles do)",
                    KERNEL_CACHE, KERNEL_CACHE);
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        if (System.getenv(OPENBLAS_THREADS) == null) {
            Nd4j.factory().blas().setMaxThreads(1);
        }
        configured = true;
    }

    /**
     * Frees the native buffers of every ND4J array that is garbage, by a full collection, then hands the C
     * heap's free pages back to the system. Call it between units of work (a stage's event, an iteration of
     * the loop), not inside a training loop.
     *
     * <p>An INDArray's native buffer is freed only after the Java object holding it is collected. Objects
     * that live through a few young collections (a loaded network, a stage's batches) are promoted to the
     * old generation, which with a 1 GB heap is collected rarely, while each of them holds megabytes outside
     * the heap: a service's resident memory rose by about 1 MB per iteration without end. ND4J's own periodic
     * GC ({@code MemoryManager.togglePeriodicGc}) does not help: its deallocator thread waits on an empty
     * reference queue and never calls it (no System.gc() in a GC log over 120 iterations). A full collection
     * with a few tens of MB live takes 40-90 ms here (SerialGC). Measured in docs/performance.md, session 4.
     *
     * <p>Freed buffers stay in glibc's arenas until something trims them; the JVM's periodic trim
     * ({@code TrimNativeHeapInterval}) runs every 10 s, so between trims a service's resident memory climbed
     * by up to 250 MB and fell back (the evaluator's work, replayed: 588-888 MB; trimmed after each
     * evaluation: 568-665 MB, about 8 ms a trim; docs/performance.md, session 5).
     */
    public static void releaseGarbage() {
        System.gc();
        trimNativeHeap();
    }

    /** malloc_trim through HotSpot's diagnostic command (JDK 17.0.9 and later); false where the JVM has none. */
    static boolean trimNativeHeap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[]{new String[0]}, new String[]{String[].class.getName()});
            return true;
        } catch (JMException | RuntimeException e) {
            if (!trimUnavailableLogged) {
                trimUnavailableLogged = true;
                LOG.info("this JVM cannot trim the native heap ({}): freed native memory returns to the system later", e.toString());
            }
            return false;
        }
    }

    /** Chooses the native build unless the user already did (-D{@value #NATIVE_VARIANT}); "default" keeps plain nd4j-native. */
    public static synchronized void selectNativeBuild() {
        if (nativeBuildSelected) {
            return;
        }
        nativeBuildSelected = true;
        String chosen = System.getProperty(NATIVE_VARIANT);
        if (chosen == null) {
            System.setProperty(NATIVE_VARIANT, variantFor(cpuFlags()));
        } else if (chosen.equals("default") || chosen.isBlank()) {
            System.clearProperty(NATIVE_VARIANT);
        }
        if (System.getProperty(HELPERS_DISABLED) == null) {
            System.setProperty(HELPERS_DISABLED, "false");
        }
    }

    static String variantFor(String cpuFlags) {
        return (" " + cpuFlags + " ").contains(" avx2 ") ? "-onednn-avx2" : "-onednn";
    }

    private static String cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
