package dev.prune.loop;

import dev.prune.rank.RankSource;

import java.util.Map;

/**
 * What one prune iteration did, with its timings. Accuracy is a fraction 0..1. With {@code rankSource}
 * {@link RankSource#FINETUNE} the ranking came from the previous fine-tuning: no pass, and
 * {@code rankImagesPerSecond} is 0.
 */
public record IterationResult(int iteration, Map<String, Integer> filtersPerLayer, Map<String, int[]> removed,
                              double accuracy, double loss, long params, long convFlops,
                              RankSource rankSource, double rankSeconds, double rankImagesPerSecond, double surgeryMillis,
                              double fineTuneSeconds, double fineTuneImagesPerSecond) {
}
