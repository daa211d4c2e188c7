package dev.prune.net;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * A trained DL4J network together with the image shape it takes. DL4J does not keep the input
 * type in a built configuration, yet FLOPs, surgery of the flatten and latency all need it. Wrapping a network
 * changes nothing in it: the code that runs it installs its speed-ups ({@code dev.prune.speedup.RuntimeSpeedups}).
 */
public record ConvNet(MultiLayerNetwork network, InputShape input) {

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
