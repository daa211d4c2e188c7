package dev.prune.measure;

/** How thoroughly to measure: evaluation batch size and latency repetitions. */
public record MeasureSettings(int evalBatchSize, int latencyWarmup, int latencyRunsB1, int latencyRunsB64) {
    public static MeasureSettings standard() {
        return new MeasureSettings(256, 20, 51, 15);
    }

    public static MeasureSettings quick() {
        return new MeasureSettings(256, 5, 15, 5);
    }

    /** Warm-up runs at batch 64: a quarter of batch 1's (each run is ~20x longer), at least one. */
    public int latencyWarmupB64() {
        return Math.max(1, latencyWarmup / 4);
    }
}
