package dev.prune.rank;

import dev.prune.error.PruningException;

import java.util.Arrays;
import java.util.Locale;

/** Where an iteration's feature-map statistics come from. */
public enum RankSource {
    /**
     * A ranking pass of its own (forward and backward, no update) over a sample of training images,
     * on the weights about to be cut: Molchanov et al. 2017.
     */
    SAMPLE,
    /**
     * The last images of the previous iteration's fine-tuning, from the training steps' own forward
     * and backward passes (the weights move a little between batches; Molchanov et al. 2019 rank
     * this way): no extra pass. The first iteration, which follows no fine-tuning, uses a sample.
     */
    FINETUNE;

    /**
     * Images whose statistics each fine-tuning keeps for the next ranking: {@code rankImages} when the
     * ranking comes from fine-tuning and the criterion needs statistics, else 0.
     */
    public int fineTuneStatisticsImages(RankingCriterion criterion, int rankImages) {
        return this == FINETUNE && !criterion.statisticsNeeded().isEmpty() ? rankImages : 0;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Absent (events from before the field existed) means {@link #SAMPLE}. */
    public static RankSource parse(String text) {
        if (text == null) {
            return SAMPLE;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PruningException("unknown rank_source '" + text + "': use one of "
                    + Arrays.stream(values()).map(RankSource::key).toList());
        }
    }
}
