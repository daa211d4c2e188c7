package dev.prune.rank;

import java.util.Set;

/** Mean of the filter's feature map over examples and positions. */
public record MeanActivationCriterion() implements RankingCriterion {
    @Override
    public String name() {
        return "mean_activation";
    }

    @Override
    public Set<ProbeStatistic> statisticsNeeded() {
        return Set.of(ProbeStatistic.ACTIVATION_MEAN);
    }

    @Override
    public double[] scores(LayerEvidence layer) {
        return layer.statistic(ProbeStatistic.ACTIVATION_MEAN);
    }
}
