package dev.prune.arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Arrays laid out plainly (float, c order, default strides from the buffer's start: what DL4J's conv layers produce),
 * and the loops over their rows (one row = one example's feature map of one channel) that BatchNorm and
 * the ranking statistics need. The loops copy a chunk at a time out of ND4J's memory into Java arrays:
 * HotSpot vectorises loops over arrays but not over a direct buffer's element accessors, which made
 * the same loops two to three times slower (docs/performance.md).
 */
public final class PlainFloatArrays {
    /** Values per chunk: a chunk of each operand stays in the core's L1/L2 cache. */
    private static final int CHUNK = 2048;

    private PlainFloatArrays() {
    }

    /**
     * Float, c order, default strides, starting at its buffer's start: native code and the loops here may read it
     * straight from the buffer. A view that starts there counts (a reshape, such as the 4D gradient DL4J hands a
     * pooling layer from the dense layer after it, or a leading slice).
     */
    public static boolean isPlain(INDArray x) {
        return x.dataType() == DataType.FLOAT && x.offset() == 0 && contiguousInCOrder(x);
    }

    /**
     * Whether each element sits right after the one before it in c order. A dimension of size 1 never steps, so its
     * stride does not count: ND4J's {@code Shape.hasDefaultStridesForShape} says no to a [1, 1, 28, 28] array with
     * strides [784, 784, 28, 1], which made every batch-1 input a copy (docs/performance.md).
     */
    private static boolean contiguousInCOrder(INDArray x) {
        long[] shape = x.shape();
        long[] stride = x.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** {@code x} when it is {@link #isPlain}, else a plain float copy of it (for native code reading its buffer). */
    public static INDArray plain(INDArray x) {
        return isPlain(x) ? x : x.castTo(DataType.FLOAT).dup('c');
    }

    /**
     * For each row of {@code rowLength} consecutive values of the plain arrays a and b: sums[row] = sum of a,
     * products[row] = sum of a*b, or of a*a when b is null. Partial sums are float within a chunk, double across.
     */
    public static void rowSums(INDArray a, INDArray b, int rowLength, double[] sums, double[] products) {
        FloatBuffer av = a.data().asNioFloat();
        FloatBuffer bv = b == null ? null : b.data().asNioFloat();
        float[] ac = new float[Math.min(CHUNK, rowLength)];
        float[] bc = b == null ? ac : new float[ac.length];
        for (int row = 0, at = 0; row < sums.length; row++) {
            double sum = 0;
            double product = 0;
            for (int end = at + rowLength; at < end; at += CHUNK) {
                int length = Math.min(CHUNK, end - at);
                av.get(at, ac, 0, length);
                if (bv != null) {
                    bv.get(at, bc, 0, length);
                }
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                float p0 = 0, p1 = 0, p2 = 0, p3 = 0;
                int i = 0;
                // four independent sums: one would make every addition wait for the one before
                for (; i + 3 < length; i += 4) {
                    s0 += ac[i];
                    s1 += ac[i + 1];
                    s2 += ac[i + 2];
                    s3 += ac[i + 3];
                    p0 += ac[i] * bc[i];
                    p1 += ac[i + 1] * bc[i + 1];
                    p2 += ac[i + 2] * bc[i + 2];
                    p3 += ac[i + 3] * bc[i + 3];
                }
                for (; i < length; i++) {
                    s0 += ac[i];
                    p0 += ac[i] * bc[i];
                }
                sum += (s0 + s1) + (s2 + s3);
                product += (p0 + p1) + (p2 + p3);
            }
            at = (row + 1) * rowLength;
            sums[row] = sum;
            products[row] = product;
        }
    }

    /**
     * Per channel c of plain arrays a and b whose rows of {@code rowLength} values cycle through {@code channels}
     * channels (NCHW feature maps: row n*channels + c): sums[c] = sum of a over the channel's rows, products[c] =
     * sum of a*b, or of a*a when b is null. Each channel's rows are added element by element into one float row,
     * a loop HotSpot vectorises (no sum carried from one element to the next), which is then added up once in
     * double; adding up each row on its own is a chain of scalar additions (docs/performance.md).
     */
    public static void channelSums(INDArray a, INDArray b, int channels, int rowLength, double[] sums,
                                   double[] products) {
        FloatBuffer av = a.data().asNioFloat();
        FloatBuffer bv = b == null ? null : b.data().asNioFloat();
        int rows = (int) (a.length() / rowLength);
        int chunk = Math.min(CHUNK, rowLength);
        float[] ac = new float[chunk];
        float[] bc = b == null ? ac : new float[chunk];
        float[] sumRow = new float[chunk];
        float[] productRow = new float[chunk];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double product = 0;
            for (int start = 0; start < rowLength; start += CHUNK) {
                int length = Math.min(CHUNK, rowLength - start);
                Arrays.fill(sumRow, 0f);
                Arrays.fill(productRow, 0f);
                for (int row = c; row < rows; row += channels) {
                    int at = row * rowLength + start;
                    av.get(at, ac, 0, length);
                    if (bv != null) {
                        bv.get(at, bc, 0, length);
                    }
                    for (int i = 0; i < length; i++) {
                        sumRow[i] += ac[i];
                        productRow[i] += ac[i] * bc[i];
                    }
                }
                for (int i = 0; i < length; i++) {
                    sum += sumRow[i];
                    product += productRow[i];
                }
            }
            sums[c] = sum;
            products[c] = product;
        }
    }

    /**
     * out = x*onX[c] + g*onG[c] + constant[c] element by element (without the g term when g is null), where
     * c = row % onX.length is the channel of the row; out may be x or g.
     */
    public static void rowAffine(INDArray x, INDArray g, INDArray out, int rowLength, float[] onX, float[] onG,
                                 float[] constant) {
        affine(x, g, out, rowLength, onX, onG, constant, false);
    }

    /** out = max(0, x*onX[c] + constant[c]): {@link #rowAffine} without g, rectified in the same pass. */
    public static void rowAffineRectified(INDArray x, INDArray out, int rowLength, float[] onX, float[] constant) {
        affine(x, null, out, rowLength, onX, null, constant, true);
    }

    private static void affine(INDArray x, INDArray g, INDArray out, int rowLength, float[] onX, float[] onG,
                               float[] constant, boolean rectify) {
        FloatBuffer xv = x.data().asNioFloat();
        FloatBuffer gv = g == null ? null : g.data().asNioFloat();
        FloatBuffer ov = out.data().asNioFloat();
        float[] xc = new float[Math.min(CHUNK, rowLength)];
        float[] gc = g == null ? null : new float[xc.length];
        int channels = onX.length;
        long rows = x.length() / rowLength;
        for (int row = 0, at = 0; row < rows; row++) {
            int c = row % channels;
            float kx = onX[c];
            float k = constant[c];
            for (int end = at + rowLength; at < end; at += CHUNK) {
                int length = Math.min(CHUNK, end - at);
                xv.get(at, xc, 0, length);
                if (gc == null && rectify) {
                    for (int i = 0; i < length; i++) {
                        xc[i] = Math.max(xc[i] * kx + k, 0f);
                    }
                } else if (gc == null) {
                    for (int i = 0; i < length; i++) {
                        xc[i] = xc[i] * kx + k;
                    }
                } else {
                    gv.get(at, gc, 0, length);
                    float kg = onG[c];
                    for (int i = 0; i < length; i++) {
                        xc[i] = xc[i] * kx + gc[i] * kg + k;
                    }
                }
                ov.put(at, xc, 0, length);
            }
            at = (row + 1) * rowLength;
        }
    }
}
