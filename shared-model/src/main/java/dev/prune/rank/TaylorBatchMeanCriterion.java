package dev.prune.rank;

import java.util.Set;

/** The public reference code's variant: |mean over examples of spatial mean of a*g| (abs after the mean). */
public record TaylorBatchMeanCriterion() implements RankingCriterion {
    @Override
    public String name() {
        return "taylor_batch_mean";
    }

    @Override
    public Set<ProbeStatistic> statisticsNeeded() {
        return Set.of(ProbeStatistic.TAYLOR_SIGNED_MEAN);
    }

    @Override
    public double[] scores(LayerEvidence layer) {
        double[] signed = layer.statistic(ProbeStatistic.TAYLOR_SIGNED_MEAN);
        for (int k = 0; k < signed.length; k++) {
            signed[k] = Math.abs(signed[k]);
        }
        return signed;
    }
}
