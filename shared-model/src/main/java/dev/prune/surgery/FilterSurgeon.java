package dev.prune.surgery;

import dev.prune.graph.ChannelConsumer;
import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Removes filters for real: builds a new, smaller network in one pass and copies the kept
 * parameters into it (conv weights and bias, the following BatchNorm's gamma, beta, mean and
 * variance, the next conv's input channels or the first dense layer's rows after the flatten).
 */
public final class FilterSurgeon {
    private FilterSurgeon() {
    }

    public static ConvNet prune(ConvNet model, PruningPlan plan) {
        List<PrunableConv> convs = ConvDependencies.of(model);
        Map<Integer, PrunableConv> byIndex = new HashMap<>();
        convs.forEach(c -> byIndex.put(c.layerIndex(), c));
        Map<Integer, int[]> kept = keptFilters(plan, byIndex);

        MultiLayerConfiguration conf = model.network().getLayerWiseConfigurations().clone();
        // per layer: which dimension of which parameter loses what
        Map<Integer, int[]> outputsKept = new HashMap<>();
        Map<Integer, int[]> inputsKept = new HashMap<>();
        for (var entry : kept.entrySet()) {
            PrunableConv conv = byIndex.get(entry.getKey());
            int[] keep = entry.getValue();
            ((ConvolutionLayer) conf.getConf(conv.layerIndex()).getLayer()).setNOut(keep.length);
            outputsKept.put(conv.layerIndex(), keep);
            for (int bn : conv.batchNormLayers()) {
                var bnConf = (BatchNormalization) conf.getConf(bn).getLayer();
                bnConf.setNIn(keep.length);
                bnConf.setNOut(keep.length);
                outputsKept.put(bn, keep);
            }
            ChannelConsumer consumer = conv.consumer();
            var next = (FeedForwardLayer) conf.getConf(consumer.layerIndex()).getLayer();
            if (consumer.kind() == ChannelConsumer.Kind.CONV) {
                next.setNIn(keep.length);
                inputsKept.put(consumer.layerIndex(), keep);
            } else {
                next.setNIn((long) keep.length * consumer.spatial());
                inputsKept.put(consumer.layerIndex(), ParamSlicer.flattenedRows(keep, consumer.spatial()));
                var flatten = conf.getInputPreProcess(consumer.layerIndex());
                if (flatten instanceof CnnToFeedForwardPreProcessor f) {
                    conf.getInputPreProcessors().put(consumer.layerIndex(), new CnnToFeedForwardPreProcessor(
                            f.getInputHeight(), f.getInputWidth(), keep.length, f.getFormat()));
                }
            }
        }

        var pruned = new MultiLayerNetwork(conf);
        pruned.init();
        var old = model.network();
        for (int i = 0; i < old.getnLayers(); i++) {
            for (var param : old.getLayer(i).paramTable().entrySet()) {
                INDArray value = param.getValue();
                if (outputsKept.containsKey(i)) {
                    value = ParamSlicer.keep(value, outputDim(old, i, param.getKey(), value), outputsKept.get(i));
                }
                if (inputsKept.containsKey(i) && param.getKey().equals("W")) {
                    value = ParamSlicer.keep(value, inputDim(old, i), inputsKept.get(i));
                }
                pruned.getLayer(i).setParam(param.getKey(), value);
            }
        }
        return new ConvNet(pruned, model.input());
    }

    private static Map<Integer, int[]> keptFilters(PruningPlan plan, Map<Integer, PrunableConv> convs) {
        Map<Integer, int[]> kept = new HashMap<>();
        for (var entry : plan.removals().entrySet()) {
            PrunableConv conv = convs.get(entry.getKey());
            if (conv == null) {
                throw new TooManyFiltersException("layer " + entry.getKey() + " is not a prunable conv layer; prunable: "
                        + convs.keySet().stream().sorted().toList());
            }
            int[] remove = entry.getValue();
            for (int i = 0; i < remove.length; i++) {
                if (remove[i] < 0 || remove[i] >= conv.filters() || i > 0 && remove[i] == remove[i - 1]) {
                    throw new TooManyFiltersException("conv " + conv.name() + " has filters 0.." + (conv.filters() - 1)
                            + "; filter " + remove[i] + " is out of range or listed twice");
                }
            }
            if (remove.length >= conv.filters()) {
                throw new TooManyFiltersException("cannot remove " + remove.length + " filters from conv " + conv.name()
                        + ", which has " + conv.filters() + ": a layer keeps at least one filter");
            }
            var removed = java.util.Arrays.stream(remove).boxed().collect(java.util.stream.Collectors.toSet());
            kept.put(conv.layerIndex(), IntStream.range(0, conv.filters()).filter(k -> !removed.contains(k)).toArray());
        }
        return kept;
    }

    /** Dimension of a layer's parameter that indexes its output channels. */
    private static int outputDim(MultiLayerNetwork net, int layer, String key, INDArray value) {
        boolean convWeight = net.getLayer(layer).conf().getLayer() instanceof ConvolutionLayer && key.equals("W");
        return convWeight ? 0 : value.rank() - 1;
    }

    /** Dimension of a consumer's weight that indexes its input channels (conv [out,in,kh,kw], dense [in,out]). */
    private static int inputDim(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).conf().getLayer() instanceof ConvolutionLayer ? 1 : 0;
    }
}
