package dev.prune.arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunked row loops against the same sums and affine maps computed element by element in double. */
class PlainFloatArraysTest {

    @Test
    void plainArraysAreThoseNativeCodeCanReadStraight() {
        assertTrue(PlainFloatArrays.isPlain(Nd4j.rand(DataType.FLOAT, 64, 32, 28, 28)));
        assertTrue(PlainFloatArrays.isPlain(Nd4j.rand(DataType.FLOAT, 1, 1, 28, 28)), "a batch of one");
        assertTrue(PlainFloatArrays.isPlain(Nd4j.rand(DataType.FLOAT, 1, 10)), "a row vector");
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 5, 5);
        assertFalse(PlainFloatArrays.isPlain(x.permute(0, 2, 3, 1)), "NHWC view");
        assertFalse(PlainFloatArrays.isPlain(x.dup('f')), "f order");
        assertFalse(PlainFloatArrays.isPlain(x.castTo(DataType.DOUBLE)), "double");
        assertFalse(PlainFloatArrays.isPlain(x.get(NDArrayIndex.point(1))), "a slice past the buffer's start");
        assertTrue(PlainFloatArrays.isPlain(x.reshape(4, 75)), "a reshaped view");
        assertTrue(PlainFloatArrays.isPlain(x.get(NDArrayIndex.interval(0, 2))), "a leading slice");
        INDArray batchOfOne = Nd4j.rand(DataType.FLOAT, 1, 1, 28, 28);
        assertSame(batchOfOne, PlainFloatArrays.plain(batchOfOne), "a batch of one is not copied");
        assertEquals(x.permute(0, 2, 3, 1).dup('c'), PlainFloatArrays.plain(x.permute(0, 2, 3, 1)));
    }

    // short rows, rows of whole chunks, and rows that end in a partial chunk and a partial group of four
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 2048, 5003})
    void rowSumsAndProducts(int rowLength) {
        int rows = 6;
        INDArray a = Nd4j.rand(DataType.FLOAT, rows, rowLength).subi(0.3);
        INDArray b = Nd4j.rand(DataType.FLOAT, rows, rowLength).subi(0.6);
        double[] sums = new double[rows];
        double[] products = new double[rows];
        double[] squares = new double[rows];
        PlainFloatArrays.rowSums(a, b, rowLength, sums, products);
        PlainFloatArrays.rowSums(a, null, rowLength, new double[rows], squares);
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            double product = 0;
            double square = 0;
            for (int i = 0; i < rowLength; i++) {
                double x = a.getFloat(row, i);
                sum += x;
                product += x * b.getFloat(row, i);
                square += x * x;
            }
            double tolerance = 1e-5 * rowLength;
            assertEquals(sum, sums[row], tolerance, "sum of row " + row);
            assertEquals(product, products[row], tolerance, "sum of products of row " + row);
            assertEquals(square, squares[row], tolerance, "sum of squares of row " + row);
        }
    }

    // rows within one chunk, of whole chunks, and ending in a partial chunk; batches of one and several
    @ParameterizedTest
    @CsvSource({"1, 5", "49, 1", "49, 7", "2048, 3", "5003, 2"})
    void channelSumsAddUpEachChannelsRowsOverTheBatch(int rowLength, int examples) {
        int channels = 3;
        INDArray a = Nd4j.rand(DataType.FLOAT, examples, channels, rowLength).subi(0.3);
        INDArray b = Nd4j.rand(DataType.FLOAT, examples, channels, rowLength).subi(0.6);
        double[] sums = new double[channels];
        double[] products = new double[channels];
        double[] squares = new double[channels];
        PlainFloatArrays.channelSums(a, b, channels, rowLength, sums, products);
        PlainFloatArrays.channelSums(a, null, channels, rowLength, new double[channels], squares);
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double product = 0;
            double square = 0;
            for (int n = 0; n < examples; n++) {
                for (int i = 0; i < rowLength; i++) {
                    double x = a.getFloat(n, c, i);
                    sum += x;
                    product += x * b.getFloat(n, c, i);
                    square += x * x;
                }
            }
            double tolerance = 1e-5 * rowLength * examples;
            assertEquals(sum, sums[c], tolerance, "sum of channel " + c);
            assertEquals(product, products[c], tolerance, "sum of products of channel " + c);
            assertEquals(square, squares[c], tolerance, "sum of squares of channel " + c);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 2048, 4099})
    void rowAffineUsesTheRowsChannel(int rowLength) {
        int channels = 3;
        int rows = 2 * channels;
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, channels, rowLength);
        INDArray g = Nd4j.rand(DataType.FLOAT, 2, channels, rowLength);
        float[] onX = {2f, -1f, 0.5f};
        float[] onG = {3f, 0.25f, -2f};
        float[] constant = {0.1f, -0.2f, 0.3f};
        INDArray withG = Nd4j.create(DataType.FLOAT, x.shape());
        PlainFloatArrays.rowAffine(x, g, withG, rowLength, onX, onG, constant);
        INDArray inPlace = x.dup();
        PlainFloatArrays.rowAffine(inPlace, null, inPlace, rowLength, onX, null, constant);
        INDArray rectified = Nd4j.create(DataType.FLOAT, x.shape());
        PlainFloatArrays.rowAffineRectified(x, rectified, rowLength, onX, constant);
        for (int row = 0; row < rows; row++) {
            int n = row / channels;
            int c = row % channels;
            for (int i = 0; i < rowLength; i += Math.max(1, rowLength / 50)) {
                float xv = x.getFloat(n, c, i);
                assertEquals(xv * onX[c] + g.getFloat(n, c, i) * onG[c] + constant[c], withG.getFloat(n, c, i), 1e-5);
                assertEquals(xv * onX[c] + constant[c], inPlace.getFloat(n, c, i), 1e-5);
                assertEquals(Math.max(0, xv * onX[c] + constant[c]), rectified.getFloat(n, c, i), 1e-5);
            }
        }
    }
}
