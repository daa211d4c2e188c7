package dev.prune.rank;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/** Spearman rank correlation (ties get their average rank), the paper's yardstick for criteria. */
public final class Spearman {
    private Spearman() {
    }

    public static double correlation(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("need two series of equal length >= 2, got " + x.length + " and " + y.length);
        }
        return pearson(ranks(x), ranks(y));
    }

    /** Correlation of a criterion with the oracle: per layer and over all filters of all layers. */
    public static Report against(FilterRanking criterion, FilterRanking oracle) {
        Map<String, Double> perLayer = new LinkedHashMap<>();
        for (int i = 0; i < criterion.layers().size(); i++) {
            perLayer.put(criterion.layers().get(i).layer(),
                    correlation(criterion.layers().get(i).scores(), oracle.layers().get(i).scores()));
        }
        return new Report(correlation(criterion.flattened(), oracle.flattened()), perLayer);
    }

    public record Report(double overall, Map<String, Double> perLayer) {
    }

    static double[] ranks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    public static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }
}
