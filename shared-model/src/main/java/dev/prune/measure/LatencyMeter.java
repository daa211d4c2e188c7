package dev.prune.measure;

import dev.prune.infer.Forward;
import dev.prune.infer.InferenceRuntime;
import dev.prune.net.ConvNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Median inference latency at a batch size, on a runtime, after warm-up, on a fixed random input; each run answers
 * into the same array ({@link Forward#output(INDArray, INDArray)}), as a serving loop does.
 */
public final class LatencyMeter {
    private static final int WARMUP_WINDOW = 25;
    private static final double STILL_IMPROVING = 0.97;
    private static final java.util.concurrent.atomic.AtomicBoolean JVM_WARMED_UP = new java.util.concurrent.atomic.AtomicBoolean();

    private LatencyMeter() {
    }

    /** Median of {@code runs} answers after {@code warmup} runs and up to {@code warmupSeconds} more (see warmUp). */
    public static double medianMillis(ConvNet model, InferenceRuntime runtime, int batchSize, int warmup,
                                      double warmupSeconds, int runs) {
        INDArray input = input(model, batchSize);
        try (Forward forward = runtime.open(model, batchSize)) {
            INDArray answer = forward.output(input); // the array every timed run answers into
            warmUp(warmup, warmupSeconds, () -> forward.output(input, answer));
            double[] millis = new double[runs];
            for (int i = 0; i < runs; i++) {
                millis[i] = millis(forward, input, answer);
            }
            return Medians.of(millis);
        }
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
    public static Speedup pairedSpeedup(ConvNet base, ConvNet smaller, InferenceRuntime runtime, int batchSize,
                                        int warmup, double warmupSeconds, int pairs) {
        INDArray input = input(base, batchSize);
        try (Forward baseForward = runtime.open(base, batchSize);
             Forward smallerForward = runtime.open(smaller, batchSize)) {
            INDArray baseAnswer = baseForward.output(input);
            INDArray smallerAnswer = smallerForward.output(input);
            warmUp(warmup, warmupSeconds, () -> {
                baseForward.output(input, baseAnswer);
                smallerForward.output(input, smallerAnswer);
            });
            double[] baseMillis = new double[pairs];
            double[] smallerMillis = new double[pairs];
            double[] ratios = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                baseMillis[i] = millis(baseForward, input, baseAnswer);
                smallerMillis[i] = millis(smallerForward, input, smallerAnswer);
                ratios[i] = baseMillis[i] / smallerMillis[i];
            }
            return new Speedup(Medians.of(baseMillis), Medians.of(smallerMillis), Medians.of(ratios));
        }
    }

    /**
     * {@code runs} runs, then windows of runs for as long as a window is clearly faster than the one
     * before (the JIT still compiling, on the cores the measurement needs), for at most {@code maxSeconds}.
     */
    private static void warmUp(int runs, double maxSeconds, Runnable run) {
        for (int i = 0; i < runs; i++) {
            run.run();
        }
        long until = System.nanoTime() + (long) (maxSeconds * 1e9);
        if (maxSeconds > 0 && JVM_WARMED_UP.compareAndSet(false, true)) {
            // the first measurement of a JVM that has warm-up time: window medians stop improving long before its
            // code is compiled (a fresh evaluator read its first network 1.5-2x slower than the same network a
            // second later: docs/performance.md), so run the whole time; one without time does not use it up
            while (System.nanoTime() < until) {
                run.run();
            }
            return;
        }
        double previous = Double.MAX_VALUE;
        while (System.nanoTime() < until) {
            double[] window = new double[WARMUP_WINDOW];
            for (int i = 0; i < window.length; i++) {
                long start = System.nanoTime();
                run.run();
                window[i] = System.nanoTime() - start;
            }
            double current = Medians.of(window);
            if (current > previous * STILL_IMPROVING) {
                return;
            }
            previous = current;
        }
    }

    private static INDArray input(ConvNet model, int batchSize) {
        Nd4j.getRandom().setSeed(42);
        return Nd4j.rand(DataType.FLOAT, model.input().batchShape(batchSize));
    }

    private static double millis(Forward forward, INDArray input, INDArray answer) {
        long start = System.nanoTime();
        forward.output(input, answer);
        return (System.nanoTime() - start) / 1e6;
    }
}
