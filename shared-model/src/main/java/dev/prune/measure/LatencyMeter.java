package dev.prune.measure;

import dev.prune.net.ConvNet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** Median inference latency at a batch size, after warm-up, on a fixed random input. */
public final class LatencyMeter {
    private LatencyMeter() {
    }

    public static double medianMillis(ConvNet model, int batchSize, int warmup, int runs) {
        Nd4j.getRandom().setSeed(42);
        INDArray input = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, model.input().batchShape(batchSize));
        for (int i = 0; i < warmup; i++) {
            model.network().output(input, false);
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            model.network().output(input, false);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
    }
}
