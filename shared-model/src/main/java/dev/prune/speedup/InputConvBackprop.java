package dev.prune.speedup;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The convolution helper of a network's first layer when that is a conv layer: DL4J's own helper, whose
 * convolution backward can be switched off for passes that need neither this layer's parameter gradients nor
 * the gradient of the network's input, as a ranking pass (it needs dLoss/da at feature maps only). With one
 * input channel that backward cost oneDNN more than the layer's forward pass several times over
 * (docs/performance.md). The layer's activation backward, where a ranking probe sits, runs before the helper
 * and is kept. For training it can compute the parameter gradients alone ({@link #weightGradientsOnly}, when the
 * helper it wraps is {@link OneDnnConvHelper}): DL4J's {@code fit} never uses the network's input gradient. A
 * layer helper lives in the running layer only: configurations and model files do not change.
 */
public final class InputConvBackprop implements ConvolutionHelper {
    private static final LayerHelperField HELPER = LayerHelperField.of(ConvolutionLayer.class);

    private final ConvolutionHelper delegate;
    private boolean switchedOff;

    private InputConvBackprop(ConvolutionHelper delegate) {
        this.delegate = delegate;
    }

    /** Wraps the helper DL4J chose for the network's first layer, if that is a plain conv layer without dropout. */
    static void install(MultiLayerNetwork network) {
        if (network.getnLayers() > 0 && network.getLayer(0).getClass() == ConvolutionLayer.class
                && network.getLayer(0).conf().getLayer().getIDropout() == null) {
            ConvolutionLayer first = (ConvolutionLayer) network.getLayer(0);
            var current = first.getHelper();
            if (current != null && !(current instanceof InputConvBackprop)) {
                HELPER.set(first, new InputConvBackprop((ConvolutionHelper) current));
            }
        }
    }

    /** The helper {@link #install} put on the network's first layer, or null. */
    private static InputConvBackprop installedOn(MultiLayerNetwork network) {
        return network.getnLayers() > 0 && network.getLayer(0) instanceof ConvolutionLayer first
                && first.getHelper() instanceof InputConvBackprop installed ? installed : null;
    }

    /**
     * Switches off, until closed, the first conv layer's convolution backward and, when a BatchNorm run by
     * {@link FastBatchNorm} follows it directly, that BatchNorm's backward: their parameter gradients stay as
     * they were, the network's input gets no gradient, and the BatchNorm hands the gradient it receives on
     * unchanged. A network without such a first layer runs as before.
     */
    public static SwitchedOff switchedOff(MultiLayerNetwork network) {
        InputConvBackprop conv = installedOn(network);
        if (conv == null) {
            return new SwitchedOff(null, null);
        }
        FastBatchNorm batchNorm = network.getnLayers() > 1 ? FastBatchNorm.of(network.getLayer(1)) : null;
        conv.switchedOff = true;
        if (batchNorm != null) {
            batchNorm.switchBackwardOff(true);
        }
        return new SwitchedOff(conv, batchNorm);
    }

    /** What {@link #switchedOff} switched off; closing switches it back on. */
    public static final class SwitchedOff implements AutoCloseable {
        private final InputConvBackprop conv;
        private final FastBatchNorm batchNorm;

        private SwitchedOff(InputConvBackprop conv, FastBatchNorm batchNorm) {
            this.conv = conv;
            this.batchNorm = batchNorm;
        }

        /**
         * Whether nothing below layer {@code featureMapLayer}'s output needs a gradient any more: the first
         * conv is off and so is every layer between it and that one. Then the activation backward of that
         * layer (a ReLU) has no reader either.
         */
        public boolean nothingNeedsAGradientBelow(int featureMapLayer) {
            return conv != null && (featureMapLayer <= 1 || featureMapLayer == 2 && batchNorm != null);
        }

        @Override
        public void close() {
            if (conv != null) {
                conv.switchedOff = false;
            }
            if (batchNorm != null) {
                batchNorm.switchBackwardOff(false);
            }
        }
    }

    /**
     * Until closed, the first conv layer computes its parameter gradients only, not the gradient of the network's
     * input: for {@code fit} (training), which does not use it. Does nothing for a network without such a layer.
     */
    public static WeightGradientsOnly weightGradientsOnly(MultiLayerNetwork network) {
        InputConvBackprop conv = installedOn(network);
        OneDnnConvHelper helper = conv != null && conv.delegate instanceof OneDnnConvHelper oneDnn ? oneDnn : null;
        if (helper != null) {
            helper.parameterGradientsOnly(true);
        }
        return new WeightGradientsOnly(helper);
    }

    /** What {@link #weightGradientsOnly} changed; closing restores it. */
    public static final class WeightGradientsOnly implements AutoCloseable {
        private final OneDnnConvHelper helper;

        private WeightGradientsOnly(OneDnnConvHelper helper) {
            this.helper = helper;
        }

        @Override
        public void close() {
            if (helper != null) {
                helper.parameterGradientsOnly(false);
            }
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        if (switchedOff) {
            return new Pair<>(new DefaultGradient(), null);
        }
        return delegate.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView, weightGradView,
                afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format, workspaceMgr);
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        return delegate.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode, dilation,
                format, workspaceMgr);
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return delegate.activate(z, afn, training);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return delegate.helperMemoryUse();
    }

    @Override
    public boolean checkSupported() {
        return delegate.checkSupported();
    }
}
