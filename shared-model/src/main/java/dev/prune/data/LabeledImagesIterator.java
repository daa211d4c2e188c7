package dev.prune.data;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Mini-batches over a {@link LabeledImages}: features [b, C, H, W] FLOAT, one-hot labels
 * [b, numClasses] FLOAT. Each batch is built from one float[] for features and one for labels.
 * {@link #reset()} starts the next epoch; with shuffling, epoch {@code e} uses seed {@code seed + e}.
 */
public final class LabeledImagesIterator implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final transient LabeledImages images;
    private final int batchSize;
    private final boolean shuffleEachEpoch;
    private final long seed;
    private int epoch;
    private int[] order;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    LabeledImagesIterator(LabeledImages images, int batchSize, boolean shuffleEachEpoch, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " is not valid: pass 1 or more");
        }
        this.images = images;
        this.batchSize = batchSize;
        this.shuffleEachEpoch = shuffleEachEpoch;
        this.seed = seed;
        startEpoch(0);
    }

    private void startEpoch(int e) {
        epoch = e;
        int[] identity = new int[images.size()];
        Arrays.setAll(identity, i -> i);
        order = shuffleEachEpoch ? LabeledImages.permute(identity, seed + e) : identity;
        cursor = 0;
    }

    /** The epoch now being iterated, counting from 0; each {@link #reset()} adds one. */
    public int epoch() {
        return epoch;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is finished (" + order.length
                    + " images): call reset() to start the next epoch");
        }
        if (num <= 0) {
            throw new IllegalArgumentException("batch size " + num + " is not valid: pass 1 or more");
        }
        int end = Math.min(order.length, cursor + num);
        DataSet batch = images.batch(Arrays.copyOfRange(order, cursor, end));
        cursor = end;
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    @Override
    public int inputColumns() {
        return images.shape().valuesPerImage();
    }

    @Override
    public int totalOutcomes() {
        return images.numClasses();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        startEpoch(epoch + 1);
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return images.classNames();
    }
}
