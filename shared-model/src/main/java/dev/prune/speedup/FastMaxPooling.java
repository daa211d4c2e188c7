package dev.prune.speedup;

import dev.prune.arrays.PlainFloatArrays;
import dev.prune.speedup.kernels.OneDnnMaxPooling;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The running form of a 2D max-pooling layer (NCHW, float) in training: forward and backward by oneDNN
 * primitives built once ({@link OneDnnMaxPooling}), the backward routing the gradient to the maxima the forward
 * found, where DL4J 1.0.0-M2.1's layer runs libnd4j's ops, whose backward pools again to find them. DL4J's layer
 * never hands its forward pass to a helper, so it is the layer object that is replaced, in the running network
 * only. Inference, other pooling types, NHWC and geometries oneDNN has no equivalent of run as DL4J's layer does.
 */
final class FastMaxPooling extends SubsamplingLayer {
    private OneDnnMaxPooling pooling; // for the last input shape met
    private boolean lastForwardWasOurs;

    private FastMaxPooling(SubsamplingLayer layer) {
        super(layer.conf(), layer.getDataType());
        setIndex(layer.getIndex());
        setListeners(layer.getListeners());
    }

    /** Replaces every max-pooling layer of the network that works on NCHW maps. */
    static void install(MultiLayerNetwork network) {
        Layer[] layers = network.getLayers();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].getClass() == SubsamplingLayer.class) {
                var layer = (SubsamplingLayer) layers[i];
                var conf = layer.layerConf();
                if (conf.getPoolingType() == PoolingType.MAX && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW) {
                    RunningLayers.replace(network, i, new FastMaxPooling(layer));
                }
            }
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        lastForwardWasOurs = false;
        OneDnnMaxPooling ours = training ? poolingFor(input) : null;
        if (ours == null) {
            return super.activate(training, workspaceMgr);
        }
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, ours.outputShape(), 'c');
        ours.forward(input, output);
        lastForwardWasOurs = true;
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!lastForwardWasOurs || input == null || !pooling.pooled(input) || !PlainFloatArrays.isPlain(epsilon)
                || !Arrays.equals(epsilon.shape(), pooling.outputShape())) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                input.shape(), 'c');
        pooling.backward(epsilon, inputGradient);
        return new Pair<>(new DefaultGradient(), inputGradient);
    }

    /** The oneDNN pooling for this input, built when its shape is new; null where DL4J's layer must run it. */
    private OneDnnMaxPooling poolingFor(INDArray input) {
        if (input == null || input.rank() != 4 || !PlainFloatArrays.isPlain(input)) {
            return null;
        }
        if (pooling != null && pooling.fits(input.shape())) {
            return pooling;
        }
        if (pooling != null) {
            pooling.close();
            pooling = null;
        }
        var conf = layerConf();
        ConvolutionMode mode = conf.getConvolutionMode();
        int[] kernel = conf.getKernelSize();
        int[] stride = conf.getStride();
        int[] dilation = conf.getDilation();
        int[] out = ConvolutionUtils.getOutputSize(input, kernel, stride, mode == ConvolutionMode.Same ? null
                : conf.getPadding(), mode, dilation, CNN2DFormat.NCHW);
        long[] outputShape = {input.size(0), input.size(1), out[0], out[1]};
        pooling = OneDnnMaxPooling.forShape(input.shape(), outputShape, kernel, stride, conf.getPadding(), dilation,
                mode);
        return pooling;
    }
}
