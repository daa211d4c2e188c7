package dev.prune.graph;

import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds, for every convolution of a chain network, the layers that its filters reach: the
 * BatchNorm that follows, the channel-preserving layers it passes through, and the layer that
 * consumes its channels. This is the dependency graph of a plain chain; surgery and ranking
 * both read it.
 */
public final class ConvDependencies {
    private ConvDependencies() {
    }

    public static List<PrunableConv> of(ConvNet model) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < model.numLayers(); i++) {
            layers.add(model.network().getLayer(i).conf().getLayer());
        }
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof ConvolutionLayer other && !isPlainConv(other)) {
                throw new UnsupportedNetworkException("layer " + i + " (" + other.getLayerName() + ") is a "
                        + other.getClass().getSimpleName() + "; only plain 2D convolutions can be pruned");
            }
        }
        if (layers.stream().noneMatch(ConvDependencies::isPlainConv)) {
            throw new NoConvLayersException("the network has no convolution layers, so it has no filters to prune: "
                    + "give a convolutional network (e.g. vgg-small)");
        }
        List<InputType> outTypes = model.layerOutputTypes();
        List<PrunableConv> convs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (isPlainConv(layers.get(i))) {
                convs.add(follow(model, layers, outTypes, i));
            }
        }
        return convs;
    }

    private static boolean isPlainConv(Layer layer) {
        return layer.getClass() == ConvolutionLayer.class;
    }

    private static PrunableConv follow(ConvNet model, List<Layer> layers, List<InputType> outTypes, int convIndex) {
        var conv = (ConvolutionLayer) layers.get(convIndex);
        String name = conv.getLayerName() == null ? "layer" + convIndex : conv.getLayerName();
        if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new UnsupportedNetworkException("conv " + name + " uses " + conv.getCnn2dDataFormat()
                    + "; surgery supports NCHW networks only");
        }
        int featureMap = convIndex;
        boolean inBlock = true;
        boolean globallyPooled = false;
        List<Integer> batchNorms = new ArrayList<>();
        for (int j = convIndex + 1; j < layers.size(); j++) {
            Layer layer = layers.get(j);
            if (layer instanceof BatchNormalization) {
                batchNorms.add(j);
                if (inBlock) {
                    featureMap = -1;
                }
            } else if (layer instanceof ActivationLayer) {
                if (inBlock) {
                    featureMap = j;
                }
            } else if (layer instanceof SubsamplingLayer || layer instanceof DropoutLayer || layer instanceof ZeroPaddingLayer) {
                inBlock = false;
            } else if (layer instanceof GlobalPoolingLayer) {
                inBlock = false;
                globallyPooled = true;
            } else if (isPlainConv(layer)) {
                return new PrunableConv(convIndex, name, (int) conv.getNOut(), featureMap, List.copyOf(batchNorms),
                        new ChannelConsumer(ChannelConsumer.Kind.CONV, j, 1));
            } else if (layer instanceof FeedForwardLayer) {
                int spatial = globallyPooled ? 1 : flattenedSpatial(model, outTypes, j, name);
                return new PrunableConv(convIndex, name, (int) conv.getNOut(), featureMap, List.copyOf(batchNorms),
                        new ChannelConsumer(ChannelConsumer.Kind.DENSE, j, spatial));
            } else {
                throw new UnsupportedNetworkException("conv " + name + " feeds layer " + j + " of type "
                        + layer.getClass().getSimpleName() + ", which filter surgery does not handle");
            }
        }
        throw new UnsupportedNetworkException("conv " + name + " has no conv or dense layer after it; surgery "
                + "needs a layer that consumes its channels");
    }

    private static int flattenedSpatial(ConvNet model, List<InputType> outTypes, int denseIndex, String convName) {
        var pre = model.network().getLayerWiseConfigurations().getInputPreProcess(denseIndex);
        if (!(pre instanceof CnnToFeedForwardPreProcessor flatten) || flatten.getFormat() != CNN2DFormat.NCHW) {
            throw new UnsupportedNetworkException("conv " + convName + " reaches dense layer " + denseIndex
                    + " without an NCHW CnnToFeedForward flatten; surgery cannot map its channels to dense rows");
        }
        var before = (InputType.InputTypeConvolutional) outTypes.get(denseIndex - 1);
        return (int) (before.getHeight() * before.getWidth());
    }
}
