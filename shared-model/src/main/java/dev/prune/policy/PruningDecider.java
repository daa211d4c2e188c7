package dev.prune.policy;

import java.util.List;

/**
 * The evaluator's policy: stop when the accuracy budget is spent (the result is then the last
 * iteration within budget), when the FLOPs target is reached, when no filter can go, or at the
 * iteration cap; otherwise continue.
 */
public final class PruningDecider {
    private PruningDecider() {
    }

    /** @param history outcomes so far, base (iteration 0) first, latest last */
    public static Decision decide(PruningPolicy policy, List<IterationOutcome> history) {
        IterationOutcome base = history.get(0);
        IterationOutcome latest = history.get(history.size() - 1);
        double floor = base.accuracy() - policy.accuracyBudget();
        int best = bestWithinBudget(history, floor);
        if (latest.iteration() > 0 && latest.accuracy() < floor) {
            return new Decision(Decision.Action.STOP, String.format("accuracy budget spent: %.4f < %.4f (base %.4f - budget %.4f)",
                    latest.accuracy(), floor, base.accuracy(), policy.accuracyBudget()), best);
        }
        double reduction = 1.0 - (double) latest.convFlops() / base.convFlops();
        if (reduction >= policy.targetFlopsReduction()) {
            return new Decision(Decision.Action.STOP, String.format("target reached: conv FLOPs reduced by %.1f%% (target %.1f%%)",
                    100 * reduction, 100 * policy.targetFlopsReduction()), best);
        }
        if (latest.iteration() >= policy.maxIterations()) {
            return new Decision(Decision.Action.STOP, "iteration cap of " + policy.maxIterations() + " reached", best);
        }
        if (latest.removableFilters() < policy.filtersPerIteration()) {
            return new Decision(Decision.Action.STOP, "only " + latest.removableFilters()
                    + " filters can still be removed, fewer than " + policy.filtersPerIteration() + " per iteration", best);
        }
        return new Decision(Decision.Action.CONTINUE, String.format("conv FLOPs reduced by %.1f%% of %.1f%%; accuracy %.4f within budget",
                100 * reduction, 100 * policy.targetFlopsReduction(), latest.accuracy()), best);
    }

    private static int bestWithinBudget(List<IterationOutcome> history, double floor) {
        int best = 0;
        for (IterationOutcome outcome : history) {
            if (outcome.accuracy() >= floor) {
                best = outcome.iteration();
            }
        }
        return best;
    }
}
