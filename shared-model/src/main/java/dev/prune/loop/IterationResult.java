package dev.prune.loop;

import java.util.Map;

/** What one prune iteration did, with its timings. Accuracy is a fraction 0..1. */
public record IterationResult(int iteration, Map<String, Integer> filtersPerLayer, Map<String, int[]> removed,
                              double accuracy, double loss, long params, long convFlops,
                              double rankSeconds, double rankImagesPerSecond, double surgeryMillis,
                              double fineTuneSeconds, double fineTuneImagesPerSecond) {
}
