package dev.prune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class LabeledImagesTest {

    private static final ImageShape SHAPE = new ImageShape(2, 3, 4);
    private static final List<String> CLASSES = List.of("a", "b", "c");

    /** Image i has every value equal to i (as a byte) and label i % 3, so positions can be traced. */
    private static LabeledImages numbered(int n) {
        int per = SHAPE.valuesPerImage();
        byte[] pixels = new byte[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * per, (i + 1) * per, (byte) i);
            labels[i] = i % 3;
        }
        return LabeledImages.ofPixels(pixels, labels, SHAPE, CLASSES);
    }

    private static int id(LabeledImages images, int i) {
        return Math.round(images.features(i)[0] * 255f);
    }

    private static int[] ids(LabeledImages images) {
        int[] out = new int[images.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(images, i);
        }
        return out;
    }

    @Test
    void featuresAreScaledToUnitRange() {
        byte[] pixels = {0, (byte) 128, (byte) 255, 1};
        LabeledImages images = LabeledImages.ofPixels(pixels, new int[] {1}, new ImageShape(1, 2, 2), List.of("x", "y"));
        assertArrayEquals(new float[] {0f, 128 / 255f, 1f, 1 / 255f}, images.features(0), 1e-7f);
        assertEquals(1, images.label(0));
        assertEquals(2, images.numClasses());
    }

    @Test
    void subsetSelectAndTakeAreViews() {
        LabeledImages images = numbered(10);
        assertArrayEquals(new int[] {2, 3, 4}, ids(images.subset(2, 5)));
        assertArrayEquals(new int[] {9, 0, 9}, ids(images.select(new int[] {9, 0, 9})));
        assertArrayEquals(new int[] {0, 1, 2}, ids(images.take(3)));
        assertEquals(10, images.take(100).size());
        assertArrayEquals(new int[] {3, 4}, ids(images.subset(2, 5).subset(1, 3)));
        assertEquals(0, images.subset(4, 4).size());
        assertArrayEquals(new int[] {1, 0, 2}, images.select(new int[] {4, 3, 5}).labels());
        assertArrayEquals(new int[] {4, 3, 3}, images.classCounts());
        assertThrows(IndexOutOfBoundsException.class, () -> images.subset(5, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> images.select(new int[] {10}));
    }

    @Test
    void shuffleIsADeterministicPermutation() {
        LabeledImages images = numbered(50);
        int[] a = ids(images.shuffled(7));
        int[] b = ids(images.shuffled(7));
        int[] c = ids(images.shuffled(8));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(ids(images), sorted);
        // labels travel with their images
        LabeledImages shuffled = images.shuffled(7);
        for (int i = 0; i < shuffled.size(); i++) {
            assertEquals(id(shuffled, i) % 3, shuffled.label(i));
        }
    }

    @Test
    void splitHasTheRightSizesAndIsDeterministic() {
        LabeledImages images = numbered(50);
        LabeledImages.Split split = images.split(0.8, 3);
        assertEquals(40, split.first().size());
        assertEquals(10, split.second().size());
        assertArrayEquals(ids(split.first()), ids(images.split(0.8, 3).first()));
        assertFalse(Arrays.equals(ids(split.first()), ids(images.split(0.8, 4).first())));
        List<Integer> all = new ArrayList<>();
        Arrays.stream(ids(split.first())).forEach(all::add);
        Arrays.stream(ids(split.second())).forEach(all::add);
        assertEquals(50, all.stream().distinct().count());
        assertEquals(0, images.split(0.0, 1).first().size());
        assertThrows(IllegalArgumentException.class, () -> images.split(1.5, 1));
    }

    @Test
    void iteratorBatchesHaveTheRightShapesAndOneHotLabels() {
        LabeledImages images = numbered(10);
        DataSetIterator it = images.iterator(4, false, 0);
        assertEquals(24, it.inputColumns());
        assertEquals(3, it.totalOutcomes());
        assertEquals(CLASSES, it.getLabels());
        List<DataSet> batches = new ArrayList<>();
        while (it.hasNext()) {
            batches.add(it.next());
        }
        assertEquals(3, batches.size());
        DataSet first = batches.get(0);
        assertArrayEquals(new long[] {4, 2, 3, 4}, first.getFeatures().shape());
        assertArrayEquals(new long[] {4, 3}, first.getLabels().shape());
        assertEquals(DataType.FLOAT, first.getFeatures().dataType());
        assertEquals(DataType.FLOAT, first.getLabels().dataType());
        assertArrayEquals(new long[] {2, 2, 3, 4}, batches.get(2).getFeatures().shape());
        // image 1 is in row 1: every value 1/255, label 1
        assertEquals(1 / 255f, first.getFeatures().getFloat(1, 1, 2, 3), 1e-7f);
        assertArrayEquals(new float[] {0f, 1f, 0f}, first.getLabels().getRow(1).toFloatVector(), 0f);
        assertEquals(4.0, first.getLabels().sumNumber().doubleValue(), 0.0);
    }

    @Test
    void resetRestartsAndShufflesEachEpochDeterministically() {
        LabeledImages images = numbered(30);
        DataSetIterator it = images.iterator(30, true, 5);
        float[] epoch0 = it.next().getFeatures().data().asFloat();
        assertFalse(it.hasNext());
        it.reset();
        assertTrue(it.hasNext());
        float[] epoch1 = it.next().getFeatures().data().asFloat();
        assertFalse(Arrays.equals(epoch0, epoch1), "a new epoch must bring a new order");

        DataSetIterator again = images.iterator(30, true, 5);
        assertArrayEquals(epoch0, again.next().getFeatures().data().asFloat());
        again.reset();
        assertArrayEquals(epoch1, again.next().getFeatures().data().asFloat());

        DataSetIterator otherSeed = images.iterator(30, true, 6);
        assertFalse(Arrays.equals(epoch0, otherSeed.next().getFeatures().data().asFloat()));

        // epoch e follows shuffled(seed + e)
        assertArrayEquals(images.shuffled(6).toDataSet().getFeatures().data().asFloat(), epoch1);

        DataSetIterator plain = images.iterator(7, false, 5);
        float[] p0 = plain.next().getFeatures().data().asFloat();
        while (plain.hasNext()) {
            plain.next();
        }
        plain.reset();
        assertArrayEquals(p0, plain.next().getFeatures().data().asFloat());
    }

    @Test
    void floatInputIsQuantisedAndChecked() {
        ImageShape shape = new ImageShape(1, 1, 2);
        LabeledImages images = LabeledImages.ofFloats(new float[][] {{0f, 1f}, {0.5f, 0.25f}}, new int[] {0, 1}, shape,
                List.of("x", "y"));
        assertArrayEquals(new float[] {128 / 255f, 64 / 255f}, images.features(1), 1e-7f);
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> LabeledImages.ofFloats(
                new float[][] {{0f, 2f}}, new int[] {0}, shape, List.of("x", "y")));
        assertTrue(e.getMessage().contains("outside [0,1]"), e.getMessage());
        assertThrows(InvalidDatasetException.class,
                () -> LabeledImages.ofPixels(new byte[2], new int[] {2}, shape, List.of("x", "y")));
        assertThrows(InvalidDatasetException.class,
                () -> LabeledImages.ofPixels(new byte[3], new int[] {0}, shape, List.of("x", "y")));
        assertNotEquals(0, images.toString().length());
    }
}
