package dev.prune.speedup;

import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The one call that makes a network run on this project's fast layer internals instead of DL4J's own. Code that
 * runs a network (trains, ranks, evaluates, runs inference through DL4J's layers) calls it first; building,
 * loading and saving a network ({@code dev.prune.net}) never does. None of it changes a result beyond float
 * rounding, and model files keep naming DL4J's own classes only (docs/performance.md):
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
 * Installing twice changes nothing; install before anything else swaps a layer's activation (ranking's probes),
 * so that what they wrap is the fast form. A clone or a loaded copy of the network gets DL4J's own layers back.
 */
public final class RuntimeSpeedups {
    private RuntimeSpeedups() {
    }

    /** Installs the speed-ups on {@code model}'s network, in place, and returns {@code model}. */
    public static ConvNet install(ConvNet model) {
        install(model.network());
        return model;
    }

    /** Installs the speed-ups on {@code network}, in place. */
    public static void install(MultiLayerNetwork network) {
        network.getLayerWiseConfigurations().setCacheMode(CacheMode.DEVICE);
        network.setCacheMode(CacheMode.DEVICE);
        FastReluGradient.install(network);
        FastBatchNorm.install(network);
        ReluAfterBatchNorm.install(network);
        FastMaxPooling.install(network);
        OneDnnConvHelper.install(network);
        InputConvBackprop.install(network);
    }
}
