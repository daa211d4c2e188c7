package dev.prune.measure;

import dev.prune.infer.InferenceRuntime;

/**
 * How thoroughly to measure: evaluation batch size and latency repetitions.
 *
 * @param latencyWarmupSeconds warm-up goes on, up to this long, while the answers keep getting faster: the
 *                             JIT compiles DL4J's per-layer Java code after some hundreds of calls, on the
 *                             cores the measurement needs; meanwhile a batch-1 answer of vgg-small with
 *                             BatchNorm took 6-7 ms instead of 1.5-2 (docs/performance.md)
 * @param latencyRuntime       what runs the network when latency is measured: {@link InferenceRuntime#ONEDNN},
 *                             the compiled form a deployment runs, or DL4J's layers
 */
public record MeasureSettings(int evalBatchSize, int latencyWarmup, int latencyRunsB1, int latencyRunsB64,
                              double latencyWarmupSeconds, InferenceRuntime latencyRuntime) {
    public static MeasureSettings standard() {
        return new MeasureSettings(256, 20, 51, 15, 10.0, InferenceRuntime.ONEDNN);
    }

    public static MeasureSettings quick() {
        return new MeasureSettings(256, 5, 15, 5, 0, InferenceRuntime.ONEDNN);
    }

    /** Warm-up runs at batch 64: a quarter of batch 1's (each run is ~20x longer), at least one. */
    public int latencyWarmupB64() {
        return Math.max(1, latencyWarmup / 4);
    }
}
