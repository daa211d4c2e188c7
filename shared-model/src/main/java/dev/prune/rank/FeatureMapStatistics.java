package dev.prune.rank;

import dev.prune.net.PlainFloatArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

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
        float[] dots;
        float[] activationSums;
        if (PlainFloatArrays.isPlain(a) && PlainFloatArrays.isPlain(dLossDa)) {
            int rows = (int) (a.size(0) * a.size(1));
            dots = new float[rows];
            activationSums = new float[rows];
            sumRows(a, dLossDa, dots, activationSums);
        } else {
            // libnd4j's Dot pairs up the wrong elements when the two arrays are laid out in different orders
            INDArray g = dLossDa.ordering() == a.ordering() ? dLossDa : dLossDa.dup(a.ordering());
            dots = flat(Nd4j.getExecutioner().exec(new Dot(a, g, null, 2, 3)));
            activationSums = flat(a.sum(2, 3));
        }
        fold(dots, activationSums, (int) a.size(0), (double) a.size(2) * a.size(3));
    }


    /** For every (example, filter) row of h*w values: sum of a*g and sum of a. */
    private static void sumRows(INDArray a, INDArray g, float[] dots, float[] activationSums) {
        FloatBuffer av = a.data().asNioFloat();
        FloatBuffer gv = g.data().asNioFloat();
        int area = (int) (a.size(2) * a.size(3));
        for (int row = 0, at = 0; row < dots.length; row++) {
            float dot = 0;
            float sum = 0;
            for (int end = at + area; at < end; at++) {
                float value = av.get(at);
                dot += value * gv.get(at);
                sum += value;
            }
            dots[row] = dot;
            activationSums[row] = sum;
        }
    }

    private void fold(float[] dots, float[] activationSums, int batch, double area) {
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

    private static float[] flat(INDArray batchByFilter) {
        return batchByFilter.reshape('c', new long[]{batchByFilter.length()}).toFloatVector();
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
