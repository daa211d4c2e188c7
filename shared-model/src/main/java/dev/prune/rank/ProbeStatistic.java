package dev.prune.rank;

/**
 * A per-filter quantity the feature-map probes gather for one conv layer ({@link FeatureMapStatistics}).
 * A criterion lists the ones it reads in {@link RankingCriterion#statisticsNeeded()}.
 */
public enum ProbeStatistic {
    /** Mean over examples of |mean_hw(a*g)|: the Taylor term with the absolute value taken per example (the paper). */
    TAYLOR_ABS_PER_EXAMPLE {
        @Override
        double[] read(FeatureMapStatistics statistics) {
            return statistics.taylor();
        }
    },
    /** Mean over examples of mean_hw(a*g), signed (the reference code takes its absolute value: batch mean). */
    TAYLOR_SIGNED_MEAN {
        @Override
        double[] read(FeatureMapStatistics statistics) {
            return statistics.taylorSigned();
        }
    },
    /** Mean of the feature map over examples and positions. */
    ACTIVATION_MEAN {
        @Override
        double[] read(FeatureMapStatistics statistics) {
            return statistics.meanActivation();
        }
    };

    abstract double[] read(FeatureMapStatistics statistics);
}
