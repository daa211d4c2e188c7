package dev.prune.rank;

import java.util.Set;

/**
 * A criterion that exists only in the test sources, registered only by the test resources'
 * META-INF/services/dev.prune.rank.RankingCriterion: the first-order loss change of zeroing the filter,
 * signed (minus the mean of a*g), so a filter whose removal would lower the loss ranks lowest.
 * {@link PluggedInCriterionTest} shows that the registry, run specs and {@link FilterRanker} take it
 * with no other file changed.
 */
public record SignedTaylorCriterion() implements RankingCriterion {
    static final String NAME = "signed_taylor_for_tests";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ProbeStatistic> statisticsNeeded() {
        return Set.of(ProbeStatistic.TAYLOR_SIGNED_MEAN);
    }

    @Override
    public double[] scores(LayerEvidence layer) {
        double[] signed = layer.statistic(ProbeStatistic.TAYLOR_SIGNED_MEAN);
        for (int k = 0; k < signed.length; k++) {
            signed[k] = -signed[k];
        }
        return signed;
    }
}
