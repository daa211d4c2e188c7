package dev.prune.rank;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Running per-filter sums for one conv layer's feature map, over any number of batches, in
 * memory independent of the data size. g is the gradient of each example's own loss: DL4J
 * backpropagates the summed loss and divides by the batch size only in the updater, so its
 * epsilons are already per example (checked against finite differences in the tests).
 */
public final class FeatureMapStatistics {
    private final double[] taylorAbsSum;
    private final double[] taylorSignedSum;
    private final double[] activationSum;
    private long examples;

    public FeatureMapStatistics(int filters) {
        taylorAbsSum = new double[filters];
        taylorSignedSum = new double[filters];
        activationSum = new double[filters];
    }

    void accumulate(INDArray a, INDArray dLossDa) {
        long batch = a.size(0);
        INDArray perExample = a.mul(dLossDa).mean(2, 3);
        add(taylorAbsSum, Transforms.abs(perExample, true).sum(0));
        add(taylorSignedSum, perExample.sum(0));
        add(activationSum, a.mean(2, 3).sum(0));
        examples += batch;
    }

    private static void add(double[] sums, INDArray perFilter) {
        double[] values = perFilter.toDoubleVector();
        for (int k = 0; k < sums.length; k++) {
            sums[k] += values[k];
        }
    }

    public long examples() {
        return examples;
    }

    /** theta(k) = mean over examples of |mean_hw(a*g)| (the paper). */
    public double[] taylor() {
        return scaled(taylorAbsSum, 1.0 / examples, false);
    }

    /** |mean over examples of mean_hw(a*g)| (the public reference code). */
    public double[] taylorBatchMean() {
        return scaled(taylorSignedSum, 1.0 / examples, true);
    }

    /** Mean over examples of mean_hw(a*g), signed: minus this times H*W is the first-order loss change of zeroing the filter, per example. */
    public double[] taylorSigned() {
        return scaled(taylorSignedSum, 1.0 / examples, false);
    }

    public double[] meanActivation() {
        return scaled(activationSum, 1.0 / examples, false);
    }

    private static double[] scaled(double[] sums, double factor, boolean abs) {
        double[] out = new double[sums.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = abs ? Math.abs(sums[k] * factor) : sums[k] * factor;
        }
        return out;
    }
}
