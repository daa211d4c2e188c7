package dev.prune.graph;

/**
 * The layer that reads a conv layer's output channels: the next convolution (its input
 * channels) or the first dense layer after the flatten, whose input rows are laid out
 * channel-major, {@code spatial} rows per channel (DL4J flattens NCHW as c*H*W + s).
 */
public record ChannelConsumer(Kind kind, int layerIndex, int spatial) {
    public enum Kind { CONV, DENSE }
}
