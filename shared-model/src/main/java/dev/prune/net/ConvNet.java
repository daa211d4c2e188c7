package dev.prune.net;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * A trained DL4J network together with the image shape it takes. DL4J does not keep the input
 * type in a built configuration, yet FLOPs, surgery of the flatten and latency all need it.
 */
public record ConvNet(MultiLayerNetwork network, InputShape input) {

    public ConvNet {
        useFastBackprop(network);
    }

    /**
     * Changes to how DL4J runs backprop, neither of which changes a result (docs/performance.md):
     * <ul>
     *   <li>a cache mode: without one DL4J runs every conv layer's forward pass a second time inside
     *       its backprop (ConvolutionLayer recomputes the pre-activation). Keeping it in device memory
     *       made training about 24 % and Taylor ranking about 20 % faster on vgg-small, for one
     *       pre-activation per conv layer of the batch in memory;</li>
     *   <li>{@link FastReluGradient} in place of every plain ReLU: 7-10 % faster steps;</li>
     *   <li>{@link FastBatchNorm} for training-mode BatchNorm, writing its output rectified for the ReLU layer
     *       after it ({@link ReluAfterBatchNorm}), which then hands it on instead of copying and rectifying it, and
     *       takes its gradient in one oneDNN pass;</li>
     *   <li>{@link FastMaxPooling} for max pooling in training: its backward reuses the maxima its forward found;</li>
     *   <li>{@link OneDnnConvHelper} on every conv layer: oneDNN primitives built once per input shape;</li>
     *   <li>{@link InputConvBackprop} on the first conv layer, so that ranking passes can skip its backward.</li>
     * </ul>
     */
    public static void useFastBackprop(MultiLayerNetwork network) {
        network.getLayerWiseConfigurations().setCacheMode(CacheMode.DEVICE);
        network.setCacheMode(CacheMode.DEVICE);
        FastReluGradient.install(network);
        FastBatchNorm.install(network);
        ReluAfterBatchNorm.install(network);
        FastMaxPooling.install(network);
        OneDnnConvHelper.install(network);
        InputConvBackprop.install(network);
    }

    /** Output type of every layer, in layer order. */
    public List<InputType> layerOutputTypes() {
        return network.getLayerWiseConfigurations().getLayerActivationTypes(input.toInputType());
    }

    public int numLayers() {
        return network.getnLayers();
    }

    public String layerName(int index) {
        return network.getLayer(index).conf().getLayer().getLayerName();
    }

    public long numParams() {
        return network.numParams();
    }
}
