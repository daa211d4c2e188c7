package dev.prune.measure;

import dev.prune.data.LabeledImages;
import dev.prune.net.ConvNet;
import dev.prune.speedup.RuntimeSpeedups;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * Accuracy and mean cross-entropy on held-out images, in one inference pass (the loss is
 * computed from the softmax outputs, which is what the MCXENT output layer would report).
 */
public final class AccuracyEvaluator {
    private AccuracyEvaluator() {
    }

    public record Result(double accuracy, double loss, long images) {
    }

    public static Result evaluate(ConvNet model, LabeledImages data, int batchSize) {
        RuntimeSpeedups.install(model);
        var batches = data.iterator(batchSize, false, 0);
        long correct = 0;
        long n = 0;
        double lossSum = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray probs = model.network().output(batch.getFeatures(), false);
            INDArray labels = batch.getLabels();
            int[] predicted = probs.argMax(1).toIntVector();
            int[] truth = labels.argMax(1).toIntVector();
            double[] pTruth = probs.mul(labels).sum(1).toDoubleVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == truth[i]) {
                    correct++;
                }
                lossSum -= Math.log(Math.max(pTruth[i], 1e-12));
            }
            n += predicted.length;
        }
        return new Result(n == 0 ? 0 : (double) correct / n, n == 0 ? 0 : lossSum / n, n);
    }
}
