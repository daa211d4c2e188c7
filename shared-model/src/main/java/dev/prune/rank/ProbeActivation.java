package dev.prune.rank;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Wraps a layer's activation function to observe the feature map a and dLoss/da, which DL4J
 * exposes nowhere else: backprop receives the pre-activation z and epsilon = dLoss/da, and a is
 * the output of this pass's forward call, kept until backprop; both are reduced to per-filter
 * statistics before DL4J reuses the memory. It can also force channels of the feature map to zero,
 * for the oracle.
 */
final class ProbeActivation extends BaseActivationFunction {
    private final IActivation inner;
    private final FeatureMapStatistics statistics;
    private int[] scaledChannels = new int[0];
    private double channelScale;
    private INDArray forwardOutput;
    private boolean nothingBelowNeedsAGradient;

    ProbeActivation(IActivation inner, FeatureMapStatistics statistics) {
        this.inner = inner;
        this.statistics = statistics;
    }

    IActivation inner() {
        return inner;
    }

    FeatureMapStatistics statistics() {
        return statistics;
    }

    void zeroChannels(int... channels) {
        scaleChannels(0, channels);
    }

    /** Multiplies the given channels of the feature map by {@code factor} (0 = removed). */
    void scaleChannels(double factor, int... channels) {
        this.channelScale = factor;
        this.scaledChannels = channels.clone();
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray out = inner.getActivation(in, training);
        for (int channel : scaledChannels) {
            out.get(NDArrayIndex.all(), NDArrayIndex.point(channel), NDArrayIndex.all(), NDArrayIndex.all()).muli(channelScale);
        }
        if (statistics != null && training) {
            forwardOutput = out;
        }
        return out;
    }

    /**
     * When no layer below needs a gradient (a ranking pass whose layers below this feature map compute none),
     * backprop hands dLoss/da on unchanged instead of computing dLoss/dz.
     */
    void nothingBelowNeedsAGradient(boolean none) {
        this.nothingBelowNeedsAGradient = none;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        if (statistics != null) {
            statistics.accumulate(activationOf(in), epsilon);
        }
        if (nothingBelowNeedsAGradient) {
            return new Pair<>(epsilon, null);
        }
        return inner.backprop(in, epsilon);
    }

    /**
     * The feature map of the pass being backpropagated: the forward call's own output while its
     * workspace is still open (recomputing it had cost a copy and a pass over every feature map,
     * about 7 % of a ranking pass), else recomputed from a copy of z, as inner.backprop overwrites z.
     */
    private INDArray activationOf(INDArray preActivation) {
        INDArray kept = forwardOutput;
        forwardOutput = null;
        if (kept != null && isStillValid(kept) && java.util.Arrays.equals(kept.shape(), preActivation.shape())) {
            return kept;
        }
        return inner.getActivation(preActivation.dup(), true);
    }

    /** Memory in a workspace is reused once the workspace closes (INDArray.wasClosed does not tell). */
    private static boolean isStillValid(INDArray array) {
        if (!array.isAttached()) {
            return true;
        }
        MemoryWorkspace workspace = array.data().getParentWorkspace();
        return workspace.isScopeActive() && workspace.getGenerationId() == array.data().getGenerationId();
    }

    @Override
    public String toString() {
        return "probe(" + inner + ")";
    }
}
