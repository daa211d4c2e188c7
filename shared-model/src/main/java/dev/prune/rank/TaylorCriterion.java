package dev.prune.rank;

import java.util.Set;

/** Molchanov et al. 2017: theta(k) = mean over examples of |spatial mean of a*g| (abs per example). The default. */
public record TaylorCriterion() implements RankingCriterion {
    @Override
    public String name() {
        return "taylor";
    }

    @Override
    public Set<ProbeStatistic> statisticsNeeded() {
        return Set.of(ProbeStatistic.TAYLOR_ABS_PER_EXAMPLE);
    }

    @Override
    public double[] scores(LayerEvidence layer) {
        return layer.statistic(ProbeStatistic.TAYLOR_ABS_PER_EXAMPLE);
    }
}
