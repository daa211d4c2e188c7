package dev.prune.net;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * A trained DL4J network together with the image shape it takes. DL4J does not keep the input
 * type in a built configuration, yet FLOPs, surgery of the flatten and latency all need it.
 */
public record ConvNet(MultiLayerNetwork network, InputShape input) {

    /** Output type of every layer, in layer order. */
    public List<InputType> layerOutputTypes() {
        return network.getLayerWiseConfigurations().getLayerActivationTypes(input.toInputType());
    }

    /** Input type seen by layer {@code index} (after its preprocessor, if any). */
    public InputType layerInputType(int index) {
        InputType in = index == 0 ? input.toInputType() : layerOutputTypes().get(index - 1);
        var pre = network.getLayerWiseConfigurations().getInputPreProcess(index);
        return pre == null ? in : pre.getOutputType(in);
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
