package dev.prune.loop;

import dev.prune.measure.MeasureSettings;
import dev.prune.rank.RankingOptions;
import dev.prune.train.TrainingSettings;

/**
 * The in-process prune loop: each iteration ranks on {@code rankImages} training images,
 * removes {@code filtersPerIteration} filters and fine-tunes.
 */
public record LoopSettings(int iterations, int filtersPerIteration, int minFiltersPerLayer, int rankImages,
                           int rankBatchSize, RankingOptions ranking, TrainingSettings fineTune,
                           MeasureSettings measure) {
}
