package dev.prune.loop;

import dev.prune.measure.MeasureSettings;
import dev.prune.rank.RankSource;
import dev.prune.rank.RankingOptions;
import dev.prune.surgery.WidthRule;
import dev.prune.train.TrainingSettings;

/**
 * The in-process prune loop: each iteration ranks on {@code rankImages} training images (a pass of
 * its own, or with {@link RankSource#FINETUNE} the last ones of the previous fine-tuning), removes
 * {@code filtersPerIteration} filters (with {@code roundTo} > 1 in blocks that leave each cut layer a
 * multiple of it, see {@link WidthRule}) and fine-tunes.
 */
public record LoopSettings(int iterations, int filtersPerIteration, int minFiltersPerLayer, int roundTo, int rankImages,
                           int rankBatchSize, RankingOptions ranking, RankSource rankSource, TrainingSettings fineTune,
                           MeasureSettings measure) {

    WidthRule widthRule() {
        return new WidthRule(minFiltersPerLayer, roundTo);
    }

    /** Images whose statistics each fine-tuning keeps for the next ranking (0 when every ranking samples its own). */
    int fineTuneStatisticsImages() {
        return rankSource.fineTuneStatisticsImages(ranking.criterion(), rankImages);
    }
}
