package dev.prune.graph;

import java.util.List;

/**
 * One convolution whose filters can be removed, with everything a removal touches.
 *
 * @param layerIndex       index of the conv layer in the network
 * @param featureMapLayer  the layer whose activation is the block's feature map (the conv itself,
 *                         or the ActivationLayer after its BatchNorm); -1 when no such layer exists
 * @param batchNormLayers  BatchNorm layers between the conv and its consumer, sliced alike
 * @param consumer         the layer whose inputs are this conv's channels
 */
public record PrunableConv(int layerIndex, String name, int filters, int featureMapLayer,
                           List<Integer> batchNormLayers, ChannelConsumer consumer) {
}
