package dev.prune.speedup;

import dev.prune.arrays.PlainFloatArrays;
import dev.prune.speedup.kernels.OneDnnConvolution;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
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
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The convolution helper of every plain 2D conv layer: forward and backward by oneDNN primitives built once per
 * input shape ({@link OneDnnConvolution}) instead of libnd4j's conv ops, which build theirs on every call and
 * reorder each feature map into oneDNN's layout once per op. NHWC, other data types and geometries oneDNN has
 * no equivalent of stay with the helper DL4J chose. It is set on the running layer only.
 *
 * <p>A layer whose activation is the identity (a conv before BatchNorm) needs nothing of its forward pass in its
 * backward (the identity's gradient is the incoming one), yet DL4J's cache mode copies each training output for
 * it (4 % of a pruned BatchNorm step; docs/performance.md), and without a cache mode DL4J would run the whole
 * convolution again. For such a layer the helper switches the cache off, per call, and hands DL4J the training
 * output itself as the kept pre-activation; any other activation (a ranking probe swapped in) keeps the cache.
 */
final class OneDnnConvHelper implements ConvolutionHelper {
    private static final LayerHelperField HELPER = LayerHelperField.of(ConvolutionLayer.class);

    private final ConvolutionLayer layer;
    private final CacheMode cacheMode; // the layer's, for activations whose backward reads the pre-activation
    private final ConvolutionHelper fallback;
    private OneDnnConvolution convolution; // for the last input shape met
    private boolean parameterGradientsOnly;

    private OneDnnConvHelper(ConvolutionLayer layer, ConvolutionHelper fallback) {
        this.layer = layer;
        this.cacheMode = layer.getCacheMode();
        this.fallback = fallback;
    }

    static void install(MultiLayerNetwork network) {
        for (var layer : network.getLayers()) {
            var current = layer.getHelper();
            if (layer.getClass() == ConvolutionLayer.class
                    && !(current instanceof OneDnnConvHelper || current instanceof InputConvBackprop)) {
                HELPER.set(layer, new OneDnnConvHelper((ConvolutionLayer) layer, (ConvolutionHelper) current));
            }
        }
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        // read by DL4J's activate after this call, to decide whether to copy the output for the backward pass
        layer.setCacheMode(isIdentity(layer.layerConf().getActivationFn()) ? CacheMode.NONE : cacheMode);
        OneDnnConvolution conv = supported(input, weights, bias, format)
                ? convolutionFor(input, weights, bias != null, kernel, strides, pad, dilation, convolutionMode) : null;
        if (conv == null) {
            return fallback == null ? null : fallback.preOutput(input, weights, bias, kernel, strides, pad, mode,
                    fwdAlgo, convolutionMode, dilation, format, workspaceMgr);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, conv.outputShape(), 'c');
        conv.forward(PlainFloatArrays.plain(input), PlainFloatArrays.plain(weights),
                bias == null ? null : PlainFloatArrays.plain(bias), out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        boolean hasBias = bias != null && biasGradView != null;
        OneDnnConvolution conv = supported(input, weights, bias, format) && delta.dataType() == DataType.FLOAT
                ? convolutionFor(input, weights, hasBias, kernel, strides, pad, dilation, convolutionMode) : null;
        if (conv == null || !java.util.Arrays.equals(delta.shape(), conv.outputShape())) {
            return fallback == null ? null : fallback.backpropGradient(input, weights, bias, delta, kernel, strides,
                    pad, biasGradView, weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode,
                    dilation, format, workspaceMgr);
        }
        INDArray inputGradient = parameterGradientsOnly ? null
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        conv.backward(PlainFloatArrays.plain(input), PlainFloatArrays.plain(weights), PlainFloatArrays.plain(delta),
                inputGradient, weightGradView,
                hasBias ? biasGradView : null);
        Gradient gradient = new DefaultGradient();
        if (hasBias) {
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(gradient, inputGradient);
    }

    /**
     * Whether backward passes compute the layer's parameter gradients only, no gradient for its input (then
     * they hand DL4J null for it): for a network's first layer in {@code fit}, which never reads it.
     */
    void parameterGradientsOnly(boolean only) {
        parameterGradientsOnly = only;
    }

    private static boolean supported(INDArray input, INDArray weights, INDArray bias, CNN2DFormat format) {
        return format == CNN2DFormat.NCHW && input.rank() == 4 && input.dataType() == DataType.FLOAT
                && weights.dataType() == DataType.FLOAT && (bias == null || bias.dataType() == DataType.FLOAT);
    }

    /** The oneDNN convolution for this call's shapes, built when they are new; null where oneDNN cannot run it. */
    private OneDnnConvolution convolutionFor(INDArray input, INDArray weights, boolean hasBias, int[] kernel,
                                             int[] strides, int[] pad, int[] dilation, ConvolutionMode mode) {
        if (convolution != null && convolution.fits(input.shape(), weights.shape(), hasBias)) {
            return convolution;
        }
        if (convolution != null) {
            convolution.close();
            convolution = null;
        }
        int[] out = ConvolutionUtils.getOutputSize(input, kernel, strides, pad, mode, dilation, CNN2DFormat.NCHW);
        long[] outputShape = {input.size(0), weights.size(0), out[0], out[1]};
        convolution = OneDnnConvolution.forShape(input.shape(), weights.shape(), outputShape, kernel, strides, pad,
                dilation, mode, hasBias);
        return convolution;
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        if (isIdentity(afn)) {
            // DL4J's backward takes a kept pre-activation instead of running the convolution again; the output is
            // the next layer's input, alive until this layer's backward has run
            layer.setPreOutput(training ? z : null);
        }
        return afn.getActivation(z, training);
    }

    private static boolean isIdentity(IActivation afn) {
        return afn != null && afn.getClass() == ActivationIdentity.class;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    @Override
    public boolean checkSupported() {
        return true;
    }
}
