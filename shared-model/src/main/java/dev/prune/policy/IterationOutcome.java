package dev.prune.policy;

/** The measured result of one iteration, as the policy sees it (iteration 0 = the base). */
public record IterationOutcome(int iteration, double accuracy, long convFlops, int removableFilters) {
}
