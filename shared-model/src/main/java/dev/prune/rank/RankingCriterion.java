package dev.prune.rank;

import java.util.Set;

/**
 * A filter importance criterion: the object {@link FilterRanker} takes, in the style of Torch-Pruning's
 * {@code Importance}. Low scores are pruned first. {@link FilterRanker} applies the per-layer L2
 * normalisation and the FLOPs regularisation afterwards, the same way for every criterion.
 *
 * <p>To add one: a public class with a public no-argument constructor (a record with no components
 * is simplest: equal instances, and {@link RankingOptions} stays a value), its name listed in
 * {@code META-INF/services/dev.prune.rank.RankingCriterion}, and a test. {@link Criteria} finds it;
 * run specs, the CLI and docs/criteria.md (checked by a test) read the names from there.
 */
public interface RankingCriterion {
    /** The name in run specs, events, reports and the CLI ({@code "criterion": "taylor"}): lower case, digits and '_'. */
    String name();

    /**
     * What the probes must gather on the feature maps for {@link #scores}; empty when the criterion
     * reads only the weights, in which case no statistics pass runs and fine-tuning keeps none.
     */
    Set<ProbeStatistic> statisticsNeeded();

    /** One raw score per filter of the layer (length {@link LayerEvidence#filters()}), before normalisation. */
    double[] scores(LayerEvidence layer);
}
