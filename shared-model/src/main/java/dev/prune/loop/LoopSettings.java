package dev.prune.loop;

import dev.prune.measure.MeasureSettings;
import dev.prune.rank.RankSource;
import dev.prune.rank.RankingOptions;
import dev.prune.surgery.WidthRule;
import dev.prune.train.TrainingSettings;

/**
 * The in-process prune loop: each iteration ranks on {@code rankImages} training images (a pass of
 * its own, or with {@link RankSource#FINETUNE} the last ones of the previous fine-tuning), removes
 * {@code filtersPerIteration} filters (each cut layer keeping at least the minimum {@code widths} sets and, with
 * its round_to above 1, a multiple of it: {@link WidthRule}) and fine-tunes.
 */
public record LoopSettings(int iterations, int filtersPerIteration, WidthRule widths, int rankImages,
                           int rankBatchSize, RankingOptions ranking, RankSource rankSource, TrainingSettings fineTune,
                           MeasureSettings measure) {

    /** Images whose statistics each fine-tuning keeps for the next ranking (0 when every ranking samples its own). */
    int fineTuneStatisticsImages() {
        return rankSource.fineTuneStatisticsImages(ranking.criterion(), rankImages);
    }
}
