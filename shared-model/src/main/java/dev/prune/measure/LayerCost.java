package dev.prune.measure;

/** Parameters and multiply-accumulate operations of one layer, for one image. */
public record LayerCost(int index, String name, String type, long params, long macs) {
}
