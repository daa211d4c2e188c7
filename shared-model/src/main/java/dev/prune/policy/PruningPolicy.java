package dev.prune.policy;

import dev.prune.error.PruningException;

/**
 * When a pruning run goes on and when it stops.
 *
 * @param filtersPerIteration   filters removed in each cut
 * @param targetFlopsReduction  stop once this fraction of the base conv FLOPs is gone (0..1)
 * @param accuracyBudget        largest accepted accuracy drop below the base, as a fraction (0.005 = 0.5 points)
 * @param maxIterations         iteration cap
 * @param minFiltersPerLayer    every layer keeps at least this many filters
 */
public record PruningPolicy(int filtersPerIteration, double targetFlopsReduction, double accuracyBudget,
                            int maxIterations, int minFiltersPerLayer) {
    public PruningPolicy {
        if (filtersPerIteration <= 0) {
            throw new PruningException("filters per iteration must be > 0, got " + filtersPerIteration);
        }
        if (!(targetFlopsReduction > 0 && targetFlopsReduction < 1)) {
            throw new PruningException("target FLOPs reduction must be between 0 and 1 (e.g. 0.5 = half the conv FLOPs), got "
                    + targetFlopsReduction);
        }
        if (!(accuracyBudget >= 0 && accuracyBudget <= 1)) {
            throw new PruningException("accuracy budget must be between 0 and 1 (a fraction: 0.005 = 0.5 points), got "
                    + accuracyBudget);
        }
        if (maxIterations <= 0) {
            throw new PruningException("max iterations must be > 0, got " + maxIterations);
        }
        if (minFiltersPerLayer < 1) {
            throw new PruningException("min filters per layer must be >= 1, got " + minFiltersPerLayer);
        }
    }
}
