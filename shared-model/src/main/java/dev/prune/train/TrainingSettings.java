package dev.prune.train;

import dev.prune.error.PruningException;

/**
 * How long and how to train.
 *
 * @param epochs    passes over the (possibly limited) training images
 * @param maxImages use at most this many training images per epoch (0 = all)
 * @param maxSteps  stop after this many steps in total (0 = no limit)
 */
public record TrainingSettings(Optimizer optimizer, double learningRate, int batchSize, int epochs, int maxImages,
                               int maxSteps, long seed) {
    public TrainingSettings {
        if (!(learningRate > 0)) {
            throw new PruningException("learning rate must be > 0, got " + learningRate);
        }
        if (batchSize <= 0) {
            throw new PruningException("batch size must be > 0, got " + batchSize);
        }
        if (epochs <= 0 && maxSteps <= 0) {
            throw new PruningException("give a number of epochs or of steps greater than 0");
        }
        if (maxImages < 0 || maxSteps < 0) {
            throw new PruningException("image and step limits must be >= 0 (0 = no limit)");
        }
    }

    public static TrainingSettings adam(double learningRate, int batchSize, int epochs, long seed) {
        return new TrainingSettings(Optimizer.ADAM, learningRate, batchSize, epochs, 0, 0, seed);
    }

    public TrainingSettings withMaxImages(int images) {
        return new TrainingSettings(optimizer, learningRate, batchSize, epochs, images, maxSteps, seed);
    }

    /** Same settings with a seed derived for one iteration, so each fine-tune sees its own shuffle. */
    public TrainingSettings withSeedOffset(long offset) {
        return new TrainingSettings(optimizer, learningRate, batchSize, epochs, maxImages, maxSteps, seed + offset);
    }

    public TrainingSettings withEpochs(int count) {
        return new TrainingSettings(optimizer, learningRate, batchSize, count, maxImages, maxSteps, seed);
    }
}
