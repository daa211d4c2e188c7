package dev.prune.rank;

import dev.prune.arrays.PlainFloatArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;


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

    /**
     * Feature maps laid out plainly (c order, float, no view: what DL4J's conv layers produce) are
     * read once, in one Java loop over native memory; others go through two native reductions. The
     * loop is about twice as fast as the two reductions, which read a twice (docs/performance.md).
     */
    void accumulate(INDArray a, INDArray dLossDa) {
        int rows = (int) (a.size(0) * a.size(1));
        double[] dots = new double[rows];
        double[] activationSums = new double[rows];
        if (PlainFloatArrays.isPlain(a) && PlainFloatArrays.isPlain(dLossDa)) {
            PlainFloatArrays.rowSums(a, dLossDa, (int) (a.size(2) * a.size(3)), activationSums, dots);
        } else {
            // libnd4j's Dot pairs up the wrong elements when the two arrays are laid out in different orders
            INDArray g = dLossDa.ordering() == a.ordering() ? dLossDa : dLossDa.dup(a.ordering());
            dots = flat(Nd4j.getExecutioner().exec(new Dot(a, g, null, 2, 3)));
            activationSums = flat(a.sum(2, 3));
        }
        fold(dots, activationSums, (int) a.size(0), (double) a.size(2) * a.size(3));
    }

    private void fold(double[] dots, double[] activationSums, int batch, double area) {
        int filters = taylorAbsSum.length;
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < filters; k++) {
                double taylor = dots[n * filters + k] / area;
                taylorAbsSum[k] += Math.abs(taylor);
                taylorSignedSum[k] += taylor;
                activationSum[k] += activationSums[n * filters + k] / area;
            }
        }
        examples += batch;
    }

    private static double[] flat(INDArray batchByFilter) {
        return batchByFilter.reshape('c', new long[]{batchByFilter.length()}).toDoubleVector();
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
