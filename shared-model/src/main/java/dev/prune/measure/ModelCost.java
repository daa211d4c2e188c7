package dev.prune.measure;

import dev.prune.graph.ChannelConsumer;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

import java.util.ArrayList;
import java.util.List;

/**
 * Analytic size and cost of a network for one image. FLOPs are counted as multiply-adds
 * (one MAC = one FLOP here, as in the Torch-Pruning and the paper's tables): a conv costs
 * outH*outW*outC*inC*kH*kW, a dense layer nIn*nOut; bias, BatchNorm, activations and pooling
 * are not counted. Parameters are DL4J's own count (BatchNorm's running mean and variance included).
 */
public record ModelCost(List<LayerCost> layers) {

    public static ModelCost of(ConvNet model) {
        List<LayerCost> layers = new ArrayList<>();
        List<InputType> outs = model.layerOutputTypes();
        for (int i = 0; i < model.numLayers(); i++) {
            Layer conf = model.network().getLayer(i).conf().getLayer();
            long params = model.network().getLayer(i).numParams();
            long macs = 0;
            if (conf instanceof ConvolutionLayer conv) {
                var out = (InputType.InputTypeConvolutional) outs.get(i);
                long[] kernel = {conv.getKernelSize()[0], conv.getKernelSize()[1]};
                macs = out.getHeight() * out.getWidth() * conv.getNOut() * conv.getNIn() * kernel[0] * kernel[1];
            } else if (conf instanceof FeedForwardLayer ff && !(conf instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization)) {
                macs = ff.getNIn() * ff.getNOut();
            }
            layers.add(new LayerCost(i, conf.getLayerName(), conf.getClass().getSimpleName(), params, macs));
        }
        return new ModelCost(List.copyOf(layers));
    }

    public long params() {
        return layers.stream().mapToLong(LayerCost::params).sum();
    }

    public long convFlops() {
        return layers.stream().filter(l -> l.type().equals("ConvolutionLayer")).mapToLong(LayerCost::macs).sum();
    }

    public long totalFlops() {
        return layers.stream().mapToLong(LayerCost::macs).sum();
    }

    /**
     * FLOPs that removing one filter of {@code conv} saves: its own output channel plus the
     * consumer's work on that channel.
     */
    public static long flopsPerFilter(ConvNet model, PrunableConv conv) {
        List<InputType> outs = model.layerOutputTypes();
        var own = (ConvolutionLayer) model.network().getLayer(conv.layerIndex()).conf().getLayer();
        var ownOut = (InputType.InputTypeConvolutional) outs.get(conv.layerIndex());
        long flops = ownOut.getHeight() * ownOut.getWidth() * own.getNIn() * own.getKernelSize()[0] * own.getKernelSize()[1];
        ChannelConsumer consumer = conv.consumer();
        Layer next = model.network().getLayer(consumer.layerIndex()).conf().getLayer();
        if (consumer.kind() == ChannelConsumer.Kind.CONV) {
            var nextConv = (ConvolutionLayer) next;
            var nextOut = (InputType.InputTypeConvolutional) outs.get(consumer.layerIndex());
            flops += nextOut.getHeight() * nextOut.getWidth() * nextConv.getNOut()
                    * nextConv.getKernelSize()[0] * nextConv.getKernelSize()[1];
        } else {
            flops += (long) consumer.spatial() * ((FeedForwardLayer) next).getNOut();
        }
        return flops;
    }
}
