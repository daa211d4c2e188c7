package dev.prune.data;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable in-memory data set of labelled images, all of one {@link ImageShape}.
 *
 * <p>Storage: pixels are kept as unsigned bytes (0..255), one contiguous {@code byte[]} in NCHW
 * order per image, and are scaled to floats in [0,1] ({@code value / 255}) only when an image or
 * a batch is read. That is a quarter of the memory of floats: 60,000 Fashion-MNIST images take
 * 47 MB instead of 188 MB. Float input ({@link #ofFloats}) is therefore quantised to steps of 1/255.
 *
 * <p>{@link #subset}, {@link #select}, {@link #shuffled}, {@link #split} and {@link #take} return
 * views that share the pixel store and hold only an index array, so they cost 4 bytes per image.
 */
public final class LabeledImages {

    /** The two parts of {@link LabeledImages#split}. */
    public record Split(LabeledImages first, LabeledImages second) {}

    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private final byte[] pixels;
    private final int[] labels;
    private final int[] index;
    private final ImageShape shape;
    private final List<String> classNames;

    private LabeledImages(byte[] pixels, int[] labels, int[] index, ImageShape shape, List<String> classNames) {
        this.pixels = pixels;
        this.labels = labels;
        this.index = index;
        this.shape = shape;
        this.classNames = classNames;
    }

    /**
     * Wraps pixel bytes (unsigned, 0..255 meaning 0..1) laid out image after image, each in NCHW
     * order. The arrays are used as they are, not copied: do not change them afterwards.
     *
     * @throws InvalidDatasetException if the pixel count does not match labels x shape, a label is
     *     outside 0..numClasses-1, or there are fewer than one class name
     */
    public static LabeledImages ofPixels(byte[] pixels, int[] labels, ImageShape shape, List<String> classNames) {
        if (classNames == null || classNames.isEmpty()) {
            throw new InvalidDatasetException("no class names given: pass one name per class, in label order");
        }
        long expected = (long) labels.length * shape.valuesPerImage();
        if (pixels.length != expected) {
            throw new InvalidDatasetException("got " + pixels.length + " pixel values for " + labels.length
                    + " images of shape " + shape + ", which need " + expected
                    + ": pass exactly channels*height*width values per image");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new InvalidDatasetException("label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1) + " (" + classNames.size()
                        + " class names given): pass one class name per label value");
            }
        }
        int[] identity = new int[labels.length];
        Arrays.setAll(identity, i -> i);
        return new LabeledImages(pixels, labels, identity, shape, List.copyOf(classNames));
    }

    /**
     * Builds a data set from float images with values in [0,1], each in NCHW order. Values are
     * quantised to the nearest multiple of 1/255, as all images are stored as bytes.
     *
     * @throws InvalidDatasetException if a value is outside [0,1] or NaN, or a size does not fit
     */
    public static LabeledImages ofFloats(float[][] images, int[] labels, ImageShape shape, List<String> classNames) {
        if (images.length != labels.length) {
            throw new InvalidDatasetException("got " + images.length + " images but " + labels.length
                    + " labels: pass one label per image");
        }
        int per = shape.valuesPerImage();
        byte[] pixels = new byte[Math.multiplyExact(images.length, per)];
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != per) {
                throw new InvalidDatasetException("image " + i + " has " + images[i].length + " values but shape "
                        + shape + " needs " + per + ": pass images in NCHW order of that shape");
            }
            for (int j = 0; j < per; j++) {
                float v = images[i][j];
                if (!(v >= 0f && v <= 1f)) {
                    throw new InvalidDatasetException("value " + v + " at position " + j + " of image " + i
                            + " is outside [0,1]: scale pixel values to [0,1] first");
                }
                pixels[i * per + j] = (byte) Math.round(v * 255f);
            }
        }
        return ofPixels(pixels, labels, shape, classNames);
    }

    /** Number of images. */
    public int size() {
        return index.length;
    }

    public ImageShape shape() {
        return shape;
    }

    public int channels() {
        return shape.channels();
    }

    public int height() {
        return shape.height();
    }

    public int width() {
        return shape.width();
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Class names in label order: label {@code k} is {@code classNames().get(k)}. */
    public List<String> classNames() {
        return classNames;
    }

    /** The label (0..numClasses-1) of image {@code i}. */
    public int label(int i) {
        return labels[index[checkIndex(i)]];
    }

    /** All labels, in this data set's order (a copy). */
    public int[] labels() {
        int[] out = new int[index.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[index[i]];
        }
        return out;
    }

    /** How many images each class has, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i : index) {
            counts[labels[i]]++;
        }
        return counts;
    }

    /** Image {@code i} as floats in [0,1], NCHW order (a new array of channels*height*width values). */
    public float[] features(int i) {
        float[] out = new float[shape.valuesPerImage()];
        copyFeatures(i, out, 0);
        return out;
    }

    /** Writes image {@code i} as floats in [0,1] into {@code dest} starting at {@code offset}. */
    public void copyFeatures(int i, float[] dest, int offset) {
        int per = shape.valuesPerImage();
        int src = index[checkIndex(i)] * per;
        for (int j = 0; j < per; j++) {
            dest[offset + j] = SCALE[pixels[src + j] & 0xFF];
        }
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), as a view. */
    public LabeledImages subset(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("subset(" + from + ", " + to + ") is outside 0.." + size()
                    + ": pass 0 <= from <= to <= size()");
        }
        return withIndex(Arrays.copyOfRange(index, from, to));
    }

    /** The images at {@code indices}, in that order (repeats allowed), as a view. */
    public LabeledImages select(int[] indices) {
        int[] picked = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = index[checkIndex(indices[i])];
        }
        return withIndex(picked);
    }

    /** The first {@code min(n, size())} images. */
    public LabeledImages take(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("take(" + n + "): pass a count of 0 or more");
        }
        return subset(0, Math.min(n, size()));
    }

    /** All images in an order fixed by {@code seed} (Fisher-Yates with {@link java.util.Random}). */
    public LabeledImages shuffled(long seed) {
        return withIndex(permute(index, seed));
    }

    /**
     * Shuffles with {@code seed}, then puts the first {@code round(size * firstFraction)} images in
     * {@link Split#first()} and the rest in {@link Split#second()}. Not stratified.
     */
    public Split split(double firstFraction, long seed) {
        if (!(firstFraction >= 0.0 && firstFraction <= 1.0)) {
            throw new IllegalArgumentException("split fraction " + firstFraction
                    + " is outside [0,1]: pass the share of images that go to the first part, e.g. 0.8");
        }
        LabeledImages all = shuffled(seed);
        int cut = (int) Math.round(size() * firstFraction);
        return new Split(all.subset(0, cut), all.subset(cut, size()));
    }

    /**
     * An iterator over mini-batches: features [b, C, H, W] FLOAT in [0,1], one-hot labels
     * [b, numClasses] FLOAT. The last batch may be smaller. With {@code shuffleEachEpoch}, epoch
     * {@code e} (counting resets from 0) visits the images in the order of {@code shuffled(seed + e)}.
     */
    public DataSetIterator iterator(int batchSize, boolean shuffleEachEpoch, long seed) {
        return new LabeledImagesIterator(this, batchSize, shuffleEachEpoch, seed);
    }

    /** Images {@code from} to {@code to} (exclusive) as one DataSet, features [n,C,H,W], labels one-hot. */
    public DataSet toDataSet(int from, int to) {
        int[] positions = new int[to - from];
        Arrays.setAll(positions, i -> from + i);
        return batch(positions);
    }

    /** The whole data set as one DataSet (mind the memory: 4 bytes per value). */
    public DataSet toDataSet() {
        return toDataSet(0, size());
    }

    /** Builds one batch from the images at the given positions: one float[] each for features and labels. */
    DataSet batch(int[] positions) {
        int n = positions.length;
        int per = shape.valuesPerImage();
        int classes = numClasses();
        float[] features = new float[Math.multiplyExact(n, per)];
        float[] oneHot = new float[n * classes];
        for (int b = 0; b < n; b++) {
            copyFeatures(positions[b], features, b * per);
            oneHot[b * classes + label(positions[b])] = 1f;
        }
        INDArray x = Nd4j.create(features, shape.batchShape(n), DataType.FLOAT);
        INDArray y = Nd4j.create(oneHot, new long[] {n, classes}, DataType.FLOAT);
        return new DataSet(x, y);
    }

    static int[] permute(int[] values, long seed) {
        int[] out = values.clone();
        Random random = new Random(seed);
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private LabeledImages withIndex(int[] newIndex) {
        return new LabeledImages(pixels, labels, newIndex, shape, classNames);
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= index.length) {
            throw new IndexOutOfBoundsException("image " + i + " does not exist: this data set has " + index.length
                    + " images (0.." + (index.length - 1) + ")");
        }
        return i;
    }

    @Override
    public String toString() {
        return "LabeledImages[" + size() + " images of " + shape + ", " + numClasses() + " classes]";
    }
}
