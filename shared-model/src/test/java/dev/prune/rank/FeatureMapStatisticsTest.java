package dev.prune.rank;

import dev.prune.testing.TinyNets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FeatureMapStatisticsTest {

    @Test
    void sumsEqualTheFormulaForAnyMemoryLayout() {
        INDArray a = TinyNets.uniform(3, 4, 3, 5, 6).subi(0.3);
        INDArray gC = TinyNets.uniform(4, 4, 3, 5, 6).subi(0.5);
        INDArray gF = gC.dup('f');
        INDArray bigger = TinyNets.uniform(5, 4, 5, 5, 6);
        INDArray aView = bigger.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 4), NDArrayIndex.all(), NDArrayIndex.all());
        aView.assign(a);

        String[] layouts = {"c, c", "c, f", "view, c", "f, f"};
        INDArray[][] pairs = {{a, gC}, {a, gF}, {aView, gC}, {a.dup('f'), gF}};
        for (int p = 0; p < pairs.length; p++) {
            INDArray[] pair = pairs[p];
            FeatureMapStatistics s = new FeatureMapStatistics(3);
            s.accumulate(pair[0], pair[1]);
            s.accumulate(pair[0].get(NDArrayIndex.interval(0, 2)), pair[1].get(NDArrayIndex.interval(0, 2)));
            double[][] expected = longWay(a, gC);
            assertEquals(6, s.examples());
            assertArrayEquals(expected[0], s.taylor(), 1e-6, layouts[p]);
            assertArrayEquals(expected[1], s.taylorSigned(), 1e-6, layouts[p]);
            assertArrayEquals(expected[2], s.meanActivation(), 1e-6, layouts[p]);
        }
    }

    /** Means over the 4 + 2 examples of |mean_hw a*g|, mean_hw a*g and mean_hw a, element by element. */
    private static double[][] longWay(INDArray a, INDArray g) {
        double[][] sums = new double[3][3];
        int[] batches = {4, 2};
        for (int rows : batches) {
            for (int m = 0; m < rows; m++) {
                for (int k = 0; k < 3; k++) {
                    double ag = 0;
                    double act = 0;
                    for (int i = 0; i < 5; i++) {
                        for (int j = 0; j < 6; j++) {
                            ag += a.getDouble(m, k, i, j) * g.getDouble(m, k, i, j);
                            act += a.getDouble(m, k, i, j);
                        }
                    }
                    sums[0][k] += Math.abs(ag / 30);
                    sums[1][k] += ag / 30;
                    sums[2][k] += act / 30;
                }
            }
        }
        for (double[] row : sums) {
            for (int k = 0; k < 3; k++) {
                row[k] /= 6;
            }
        }
        return sums;
    }
}
