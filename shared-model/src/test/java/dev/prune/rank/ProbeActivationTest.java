package dev.prune.rank;

import dev.prune.testing.TinyNets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's statistics are the same whether a comes from the forward call or is recomputed from z. */
class ProbeActivationTest {
    private static final long[] SHAPE = {3, 4, 5, 6};

    @Test
    void forwardOutputGivesTheStatisticsOfRecomputingIt() {
        INDArray z = TinyNets.uniform(11, SHAPE).subi(0.5);
        INDArray epsilon = TinyNets.uniform(12, SHAPE).subi(0.5);

        ProbeActivation kept = probe();
        kept.getActivation(z.dup(), true);
        INDArray gradientKept = kept.backprop(z.dup(), epsilon.dup()).getFirst();

        ProbeActivation recomputed = probe();
        INDArray gradientRecomputed = recomputed.backprop(z.dup(), epsilon.dup()).getFirst();

        assertSameStatistics(recomputed.statistics(), kept.statistics());
        assertEquals(gradientRecomputed, gradientKept);
        assertTrue(max(recomputed.statistics().taylor()) > 0, "all-zero statistics would make this test vacuous");
    }

    @Test
    void forwardOutputInAClosedWorkspaceIsNotUsed() {
        INDArray z = TinyNets.uniform(13, SHAPE).subi(0.5);
        INDArray epsilon = TinyNets.uniform(14, SHAPE).subi(0.5);
        var conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();

        ProbeActivation probe = probe();
        try (var ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "probe-test")) {
            probe.getActivation(z.dup(), true);
        }
        try (var ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "probe-test")) {
            Nd4j.create(DataType.FLOAT, SHAPE).assign(1e6); // the same memory, now holding something else
        }
        probe.backprop(z.dup(), epsilon.dup());

        ProbeActivation recomputed = probe();
        recomputed.backprop(z.dup(), epsilon.dup());
        assertSameStatistics(recomputed.statistics(), probe.statistics());
    }

    private static ProbeActivation probe() {
        return new ProbeActivation(new ActivationReLU(), new FeatureMapStatistics((int) SHAPE[1]));
    }

    private static void assertSameStatistics(FeatureMapStatistics expected, FeatureMapStatistics actual) {
        assertEquals(expected.examples(), actual.examples());
        assertArrayEquals(expected.taylor(), actual.taylor(), 1e-7);
        assertArrayEquals(expected.taylorSigned(), actual.taylorSigned(), 1e-7);
        assertArrayEquals(expected.meanActivation(), actual.meanActivation(), 1e-7);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(0);
    }
}
