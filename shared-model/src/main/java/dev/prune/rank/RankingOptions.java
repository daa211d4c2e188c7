package dev.prune.rank;

import dev.prune.error.PruningException;

/**
 * Which criterion ranks, and how its raw values become comparable scores.
 *
 * @param criterion   the criterion ({@link Criteria#byName} finds one by its name)
 * @param normalizeL2 divide each layer's values by their L2 norm (the paper)
 * @param flopsLambda FLOPs regularisation: score - lambda * (FLOPs a filter costs / the largest such cost); 0 = off
 */
public record RankingOptions(RankingCriterion criterion, boolean normalizeL2, double flopsLambda) {
    public RankingOptions {
        if (criterion == null) {
            throw new PruningException("criterion is missing: use one of " + Criteria.names());
        }
        if (flopsLambda < 0 || Double.isNaN(flopsLambda)) {
            throw new PruningException("flops lambda must be >= 0, got " + flopsLambda + " (the paper uses about 1e-3; 0 turns it off)");
        }
    }

    public static RankingOptions paper() {
        return new RankingOptions(new TaylorCriterion(), true, 0);
    }

    public RankingOptions with(RankingCriterion other) {
        return new RankingOptions(other, normalizeL2, flopsLambda);
    }
}
