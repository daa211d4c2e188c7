package dev.prune.measure;

import java.util.Arrays;

/** The median, the one summary of repeated timings this project uses: it shrugs off the slow outliers of a shared machine. */
public final class Medians {
    private Medians() {
    }

    public static double of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take the median of");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
