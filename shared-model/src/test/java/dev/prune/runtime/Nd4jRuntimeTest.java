package dev.prune.runtime;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Nd4jRuntimeTest {
    @Test
    void picksTheOneDnnBuildForTheCpu() {
        assertEquals("-onednn-avx2", Nd4jRuntime.variantFor("fpu sse2 avx avx2 fma"));
        assertEquals("-onednn", Nd4jRuntime.variantFor("fpu sse2 avx"));
        assertEquals("-onednn", Nd4jRuntime.variantFor(""));
    }

    @Test
    void oneDnnHelpersAreOnInTheBuildTheTestsUse() {
        Nd4jRuntime.configure();
        assertTrue(Nd4j.getExecutioner().getEnvironmentInformation().toString().length() > 0);
        // the bridge DL4J M2.1 looks for must report oneDNN as in use, or DL4J falls back to im2col
        assertTrue(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN(),
                "oneDNN is not in use: is the -onednn nd4j-native build on the class path and selected?");
        assertTrue(org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled());
    }

    @Test
    void openBlasRunsOnTheCallingThreadUnlessTheUserChose() {
        Nd4jRuntime.configure();
        if (System.getenv(Nd4jRuntime.OPENBLAS_THREADS) == null) {
            assertEquals(1, Nd4j.factory().blas().getMaxThreads());
        }
    }

    @Test
    void releaseGarbageCollectsArraysNothingHolds() {
        Nd4jRuntime.configure();
        var array = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 256, 1024);
        var weak = new java.lang.ref.WeakReference<>(array);
        array = null;
        Nd4jRuntime.releaseGarbage();
        assertNull(weak.get(), "the array's native buffer can only be freed once its Java object is collected");
    }

    @Test
    void theNativeHeapIsTrimmedOnThisJvm() {
        assertTrue(Nd4jRuntime.trimNativeHeap(), "HotSpot 17.0.9+ has System.trim_native_heap; a wrong operation name would fail here");
    }
}
