package dev.prune.train;

import dev.prune.data.LabeledImages;
import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.function.Consumer;

/**
 * Trains or fine-tunes a network with the chosen optimiser, seeded. Used both to train a base
 * network and to recover accuracy after each cut; the optimiser state starts fresh each call.
 */
public final class Trainer {
    private Trainer() {
    }

    public static Trained train(ConvNet model, LabeledImages data, TrainingSettings settings,
                                Consumer<TrainingReport> progress) {
        var tuned = new TransferLearning.Builder(model.network())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(settings.optimizer().updater(settings.learningRate()))
                        .seed(settings.seed())
                        .build())
                .build();
        ConvNet.useFastBackprop(tuned);
        LabeledImages used = settings.maxImages() > 0 && settings.maxImages() < data.size()
                ? data.shuffled(settings.seed()).take(settings.maxImages()) : data;
        DataSetIterator batches = used.iterator(settings.batchSize(), true, settings.seed());
        long steps = 0;
        long images = 0;
        long start = System.nanoTime();
        double loss = Double.NaN;
        int epochs = settings.epochs() > 0 ? settings.epochs() : Integer.MAX_VALUE;
        outer:
        for (int epoch = 0; epoch < epochs; epoch++) {
            batches.reset();
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                tuned.fit(batch);
                steps++;
                images += batch.numExamples();
                loss = tuned.score();
                if (steps % 20 == 0) {
                    progress.accept(new TrainingReport(steps, images, seconds(start), loss));
                }
                if (settings.maxSteps() > 0 && steps >= settings.maxSteps()) {
                    break outer;
                }
            }
        }
        var report = new TrainingReport(steps, images, seconds(start), loss);
        progress.accept(report);
        return new Trained(new ConvNet(tuned, model.input()), report);
    }

    /** The trained network and how the training went. */
    public record Trained(ConvNet model, TrainingReport report) {
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
