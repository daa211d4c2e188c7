package dev.prune.net;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * The running form of a plain ReLU layer right after a BatchNorm that {@link FastBatchNorm} runs: in training
 * the BatchNorm writes its output rectified in its own pass, and this layer hands that on, where DL4J's copies
 * its input and rectifies the copy (two passes over the feature map). Backprop is DL4J's: the ReLU's gradient
 * reads only its input's sign, which rectifying keeps. Anything else (inference, another activation function
 * swapped in, as ranking's probes are, dropout) runs as DL4J's layer does. Configurations and model files are
 * untouched: only the running network's layer object is replaced.
 */
final class ReluAfterBatchNorm extends ActivationLayer {
    private final FastBatchNorm batchNorm;

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
                    layers[i] = replacement;
                    layerMap(network).put(replacement.conf().getLayer().getLayerName(), replacement);
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
        if (training && batchNorm.lastOutputRectified() && takesRectifiedInput()) {
            assertInputSet(false);
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
        }
        return super.activate(training, workspaceMgr);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Layer> layerMap(MultiLayerNetwork network) {
        try {
            Field field = MultiLayerNetwork.class.getDeclaredField("layerMap");
            field.setAccessible(true);
            return (Map<String, Layer>) field.get(network);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's MultiLayerNetwork has no 'layerMap' field: another DL4J version?", e);
        }
    }
}
