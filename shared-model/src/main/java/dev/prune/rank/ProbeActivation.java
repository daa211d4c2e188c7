package dev.prune.rank;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Wraps a layer's activation function to observe the feature map a and dLoss/da, which DL4J
 * exposes nowhere else: backprop receives the pre-activation z and epsilon = dLoss/da, so a is
 * recomputed from z and both are reduced to per-filter statistics before DL4J reuses the memory.
 * It can also force channels of the feature map to zero, for the oracle.
 */
final class ProbeActivation extends BaseActivationFunction {
    private final IActivation inner;
    private final FeatureMapStatistics statistics;
    private int[] scaledChannels = new int[0];
    private double channelScale;

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
        return out;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        if (statistics != null) {
            // inner.backprop overwrites its input, so a is recomputed from a copy of z first
            INDArray activation = inner.getActivation(in.dup(), true);
            statistics.accumulate(activation, epsilon);
        }
        return inner.backprop(in, epsilon);
    }

    @Override
    public String toString() {
        return "probe(" + inner + ")";
    }
}
