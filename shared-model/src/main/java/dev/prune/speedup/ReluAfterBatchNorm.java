package dev.prune.speedup;

import dev.prune.arrays.PlainFloatArrays;
import dev.prune.speedup.kernels.OneDnnReluGradient;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The running form of a plain ReLU layer right after a BatchNorm that {@link FastBatchNorm} runs: in training
 * the BatchNorm writes its output rectified in its own pass, and this layer hands that on, where DL4J's copies
 * its input and rectifies the copy (two passes over the feature map). Its gradient is the output gradient where
 * that rectified input is positive (the ReLU's gradient reads only its input's sign, which rectifying keeps), in
 * one oneDNN pass ({@link OneDnnReluGradient}) where DL4J's layer copies, steps and multiplies. Anything else
 * (inference, another activation function swapped in, as ranking's probes are, dropout, arrays that are not plain
 * floats) runs as DL4J's layer does. Configurations and model files are untouched: only the running network's
 * layer object is replaced.
 */
final class ReluAfterBatchNorm extends ActivationLayer {
    private final FastBatchNorm batchNorm;
    private OneDnnReluGradient gradient; // for the last shape met
    private boolean lastForwardRectified;

    private ReluAfterBatchNorm(ActivationLayer layer, FastBatchNorm batchNorm) {
        super(layer.conf(), layer.getDataType());
        this.batchNorm = batchNorm;
        setIndex(layer.getIndex());
        setListeners(layer.getListeners());
    }

    /** Replaces every plain ReLU layer that directly follows a BatchNorm run by {@link FastBatchNorm}. */
    static void install(MultiLayerNetwork network) {
        Layer[] layers = network.getLayers();
        for (int i = 1; i < layers.length; i++) {
            FastBatchNorm batchNorm = layers[i - 1] instanceof BatchNormalization ? FastBatchNorm.of(layers[i - 1]) : null;
            if (batchNorm != null && layers[i].getClass() == ActivationLayer.class) {
                var replacement = new ReluAfterBatchNorm((ActivationLayer) layers[i], batchNorm);
                if (replacement.takesRectifiedInput()) {
                    RunningLayers.replace(network, i, replacement);
                    batchNorm.rectifyFor(replacement);
                }
            }
        }
    }

    /** Whether the BatchNorm before it may hand this layer its output rectified: a plain ReLU here, no dropout. */
    boolean takesRectifiedInput() {
        return layerConf().getActivationFn() instanceof FastReluGradient && layerConf().getIDropout() == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        lastForwardRectified = training && batchNorm.lastOutputRectified() && takesRectifiedInput();
        if (lastForwardRectified) {
            assertInputSet(false);
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
        }
        return super.activate(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!lastForwardRectified || !takesRectifiedInput() || !PlainFloatArrays.isPlain(input)
                || !PlainFloatArrays.isPlain(epsilon) || !Arrays.equals(input.shape(), epsilon.shape())) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (gradient == null || !gradient.fits(input.shape())) {
            if (gradient != null) {
                gradient.close();
            }
            gradient = new OneDnnReluGradient(input.shape());
        }
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                input.shape(), 'c');
        gradient.backward(input, epsilon, inputGradient);
        return new Pair<>(new DefaultGradient(), inputGradient);
    }
}
