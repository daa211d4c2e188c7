package dev.prune.rank;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.speedup.RuntimeSpeedups;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Inference with chosen feature-map channels forced to zero: what a network with those filters
 * removed must compute. Surgery is checked against it.
 */
public final class ZeroedFeatureMaps {
    private ZeroedFeatureMaps() {
    }

    /** @param zeroed conv layer index -> channels of its feature map to zero */
    public static INDArray output(ConvNet model, Map<Integer, int[]> zeroed, INDArray input) {
        RuntimeSpeedups.install(model);
        var convs = ConvDependencies.of(model);
        try (var probes = new FeatureMapProbes(model, convs, false)) {
            for (PrunableConv conv : convs) {
                int[] channels = zeroed.get(conv.layerIndex());
                if (channels != null) {
                    probes.probe(conv).zeroChannels(channels);
                }
            }
            return model.network().output(input, false);
        }
    }
}
