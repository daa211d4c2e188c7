package dev.prune.measure;

import dev.prune.net.ConvNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Median inference latency at a batch size, after warm-up, on a fixed random input. */
public final class LatencyMeter {
    private LatencyMeter() {
    }

    public static double medianMillis(ConvNet model, int batchSize, int warmup, int runs) {
        INDArray input = input(model, batchSize);
        for (int i = 0; i < warmup; i++) {
            model.network().output(input, false);
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            millis[i] = millis(model, input);
        }
        return Medians.of(millis);
    }

    /** How much faster {@code smaller} answers than {@code base}, measured in pairs, one right after the other. */
    public record Speedup(double baseMillis, double smallerMillis, double speedup) {
    }

    /**
     * Runs the two networks alternately on the same input, {@code pairs} times after warm-up; the speedup is
     * the median of each pair's ratio. A machine that slows down for a few seconds slows both runs of a pair,
     * where two medians measured one after the other can land on either side of the slowdown (the bench saw
     * a pruned network's batch-64 latency move 14-30 ms between rounds).
     */
    public static Speedup pairedSpeedup(ConvNet base, ConvNet smaller, int batchSize, int warmup, int pairs) {
        INDArray input = input(base, batchSize);
        for (int i = 0; i < warmup; i++) {
            base.network().output(input, false);
            smaller.network().output(input, false);
        }
        double[] baseMillis = new double[pairs];
        double[] smallerMillis = new double[pairs];
        double[] ratios = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            baseMillis[i] = millis(base, input);
            smallerMillis[i] = millis(smaller, input);
            ratios[i] = baseMillis[i] / smallerMillis[i];
        }
        return new Speedup(Medians.of(baseMillis), Medians.of(smallerMillis), Medians.of(ratios));
    }

    private static INDArray input(ConvNet model, int batchSize) {
        Nd4j.getRandom().setSeed(42);
        return Nd4j.rand(DataType.FLOAT, model.input().batchShape(batchSize));
    }

    private static double millis(ConvNet model, INDArray input) {
        long start = System.nanoTime();
        model.network().output(input, false);
        return (System.nanoTime() - start) / 1e6;
    }
}
