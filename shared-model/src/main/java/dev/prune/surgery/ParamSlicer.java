package dev.prune.surgery;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.stream.IntStream;

/**
 * Keeps chosen indices of a parameter array along one dimension, as a new array. Goes through
 * a 2D copy and getRows, since NDArrayIndex.indices on DL4J parameter views fails in M2.1.
 */
final class ParamSlicer {
    private ParamSlicer() {
    }

    static INDArray keep(INDArray param, int dim, int[] indices) {
        int rank = param.rank();
        int[] toFront = IntStream.concat(IntStream.of(dim), IntStream.range(0, rank).filter(d -> d != dim)).toArray();
        INDArray front = param.permute(toFront).dup('c');
        long[] frontShape = front.shape();
        INDArray rows = front.reshape('c', frontShape[0], front.length() / frontShape[0]).getRows(indices);
        long[] keptShape = frontShape.clone();
        keptShape[0] = indices.length;
        INDArray kept = rows.reshape('c', keptShape);
        int[] back = new int[rank];
        for (int i = 0; i < rank; i++) {
            back[toFront[i]] = i;
        }
        return kept.permute(back).dup('c');
    }

    /** Rows of a dense weight [nIn, nOut] fed by a flatten of C channels x spatial positions, channel-major. */
    static int[] flattenedRows(int[] keptChannels, int spatial) {
        int[] rows = new int[keptChannels.length * spatial];
        int r = 0;
        for (int c : keptChannels) {
            for (int s = 0; s < spatial; s++) {
                rows[r++] = c * spatial + s;
            }
        }
        return rows;
    }
}
