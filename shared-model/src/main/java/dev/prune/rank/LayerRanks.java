package dev.prune.rank;

/** Final scores of one conv layer's filters (index = filter). */
public record LayerRanks(String layer, int layerIndex, double[] scores) {
}
