package dev.prune.train;

import dev.prune.data.LabeledImages;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.rank.FeatureMapStatistics;
import dev.prune.rank.FeatureMapStatisticsCollector;
import dev.prune.speedup.InputConvBackprop;
import dev.prune.speedup.RuntimeSpeedups;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.Map;
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
        return train(model, data, settings, 0, progress);
    }

    /**
     * Trains and, over the last batches that together hold at least {@code statisticsImages} images
     * (all of them if training is shorter), gathers every conv's feature-map statistics from the training
     * steps' own forward and backward passes (0 = none).
     */
    public static Trained train(ConvNet model, LabeledImages data, TrainingSettings settings, int statisticsImages,
                                Consumer<TrainingReport> progress) {
        var tuned = new TransferLearning.Builder(model.network())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(settings.optimizer().updater(settings.learningRate()))
                        .seed(settings.seed())
                        .build())
                .build();
        ConvNet result = RuntimeSpeedups.install(new ConvNet(tuned, model.input()));
        LabeledImages used = settings.maxImages() > 0 && settings.maxImages() < data.size()
                ? data.shuffled(settings.seed()).take(settings.maxImages()) : data;
        long firstObservedStep = statisticsImages > 0 ? firstObservedStep(used.size(), settings, statisticsImages) : -1;
        DataSetIterator batches = used.iterator(settings.batchSize(), true, settings.seed());
        FeatureMapStatisticsCollector.Attached observed = null;
        long steps = 0;
        long images = 0;
        long start = System.nanoTime();
        double loss = Double.NaN;
        int epochs = settings.epochs() > 0 ? settings.epochs() : Integer.MAX_VALUE;
        try (var firstLayer = InputConvBackprop.weightGradientsOnly(tuned)) { // fit never uses the input's gradient
            outer:
            for (int epoch = 0; epoch < epochs; epoch++) {
                batches.reset();
                while (batches.hasNext()) {
                    DataSet batch = batches.next();
                    if (steps == firstObservedStep) {
                        observed = FeatureMapStatisticsCollector.attach(result);
                    }
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
        } finally {
            if (observed != null) {
                observed.close();
            }
        }
        var report = new TrainingReport(steps, images, seconds(start), loss);
        progress.accept(report);
        return new Trained(result, report, observed == null ? Map.of() : observed.statistics());
    }

    /**
     * The trained network, how the training went, and the statistics gathered during its last
     * steps (empty when none were asked for).
     */
    public record Trained(ConvNet model, TrainingReport report, Map<PrunableConv, FeatureMapStatistics> statistics) {
    }

    /** The first of the last steps that together see at least {@code wanted} images (0 if all of them are needed). */
    private static long firstObservedStep(int images, TrainingSettings settings, int wanted) {
        int batch = settings.batchSize();
        long perEpoch = Math.max(1, ceilDiv(images, batch));
        long byEpochs = settings.epochs() > 0 ? perEpoch * settings.epochs() : Long.MAX_VALUE;
        long step = settings.maxSteps() > 0 ? Math.min(byEpochs, settings.maxSteps()) : byEpochs;
        long seen = 0;
        while (step > 0 && seen < wanted) {
            step--;
            boolean lastOfEpoch = step % perEpoch == perEpoch - 1;
            seen += lastOfEpoch && images % batch != 0 ? images % batch : batch;
        }
        return step;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
