package dev.prune.speedup;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Swaps a running network's layer object for another running the same configuration ({@link ReluAfterBatchNorm},
 * {@link FastMaxPooling}): configurations, parameters and model files are untouched, and a clone or a loaded copy
 * gets DL4J's own layers back.
 */
final class RunningLayers {
    private RunningLayers() {
    }

    static void replace(MultiLayerNetwork network, int index, Layer replacement) {
        network.getLayers()[index] = replacement; // the network's own array
        layerMap(network).put(replacement.conf().getLayer().getLayerName(), replacement);
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
