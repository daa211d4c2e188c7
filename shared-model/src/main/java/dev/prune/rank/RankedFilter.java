package dev.prune.rank;

/** One filter with its score, as it stands in the global ranking. */
public record RankedFilter(String layer, int layerIndex, int filter, double score) {
}
