package dev.prune.rank;

import dev.prune.error.PruningException;

import java.util.Arrays;
import java.util.Locale;

/** Filter importance criteria. Low scores are pruned first. */
public enum Criterion {
    /** Molchanov et al. 2017: mean over examples of |spatial mean of a*g| (abs per example). */
    TAYLOR,
    /** The public reference code's variant: |mean over examples of spatial mean of a*g| (abs after the mean). */
    TAYLOR_BATCH_MEAN,
    /** Li et al. 2016: sum of absolute kernel weights of the filter. */
    WEIGHT_L1,
    /** Mean of the filter's feature map over examples and positions. */
    MEAN_ACTIVATION;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Criterion parse(String text) {
        String norm = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(norm);
        } catch (IllegalArgumentException e) {
            throw new PruningException("unknown criterion '" + text + "': use one of "
                    + Arrays.stream(values()).map(Criterion::key).toList());
        }
    }
}
