package dev.prune.rank;

import dev.prune.graph.PrunableConv;
import dev.prune.graph.UnsupportedNetworkException;
import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Installs a {@link ProbeActivation} on the feature-map layer of every conv, in place, and puts
 * the original activations back on close. The network is not copied.
 */
final class FeatureMapProbes implements AutoCloseable {
    private final ConvNet model;
    private final Map<PrunableConv, ProbeActivation> probes = new LinkedHashMap<>();

    FeatureMapProbes(ConvNet model, List<PrunableConv> convs, boolean collectStatistics) {
        this.model = model;
        try {
            for (PrunableConv conv : convs) {
                if (conv.featureMapLayer() < 0) {
                    throw new UnsupportedNetworkException("conv " + conv.name() + " is followed by BatchNorm with no activation "
                            + "layer after it, so its feature map cannot be observed: add an ActivationLayer after the BatchNorm");
                }
                Layer layer = layerConf(conv.featureMapLayer());
                var probe = new ProbeActivation(activationOf(layer),
                        collectStatistics ? new FeatureMapStatistics(conv.filters()) : null);
                setActivation(layer, probe);
                probes.put(conv, probe);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    ProbeActivation probe(PrunableConv conv) {
        return probes.get(conv);
    }

    /** The conv whose feature map comes first in the network. */
    java.util.Optional<PrunableConv> lowest() {
        return probes.keySet().stream().min(java.util.Comparator.comparingInt(PrunableConv::featureMapLayer));
    }

    List<PrunableConv> convs() {
        return new ArrayList<>(probes.keySet());
    }

    private Layer layerConf(int index) {
        return model.network().getLayer(index).conf().getLayer();
    }

    private static IActivation activationOf(Layer layer) {
        if (layer instanceof BaseLayer base) {
            return base.getActivationFn();
        }
        if (layer instanceof ActivationLayer act) {
            return act.getActivationFn();
        }
        throw new UnsupportedNetworkException("layer " + layer.getLayerName() + " has no activation function to observe");
    }

    private static void setActivation(Layer layer, IActivation activation) {
        if (layer instanceof BaseLayer base) {
            base.setActivationFn(activation);
        } else {
            ((ActivationLayer) layer).setActivationFn(activation);
        }
    }

    @Override
    public void close() {
        for (var entry : probes.entrySet()) {
            setActivation(layerConf(entry.getKey().featureMapLayer()), entry.getValue().inner());
        }
        probes.clear();
    }
}
