package dev.prune.infer;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inference form of a network: every conv -> BatchNorm (-> activation layer) chain becomes one conv whose
 * weights and bias carry the BatchNorm's running statistics and affine map, with the activation layer's
 * function, as deployment tools do before export. Its inference output equals the network's; it cannot be
 * trained like it (there is no batch statistic any more). Chains that do not have this exact form stay as
 * they are.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** The network itself when it has nothing to fold, else a new network in inference form. */
    public static ConvNet fold(ConvNet model) {
        MultiLayerNetwork net = model.network();
        Set<Integer> foldedConvs = new HashSet<>(); // each one's BatchNorm is the layer after it
        Set<Integer> dropped = new HashSet<>();
        for (PrunableConv conv : ConvDependencies.of(model)) {
            if (isFoldable(net, conv)) {
                int bn = conv.layerIndex() + 1;
                foldedConvs.add(conv.layerIndex());
                dropped.add(bn);
                if (isActivationLayer(net, bn + 1)) {
                    dropped.add(bn + 1);
                }
            }
        }
        if (foldedConvs.isEmpty()) {
            return model;
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        List<NeuralNetConfiguration> kept = new ArrayList<>();
        Map<Integer, InputPreProcessor> preProcessors = new HashMap<>();
        Map<Integer, Integer> newIndex = new HashMap<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (dropped.contains(i)) {
                continue;
            }
            NeuralNetConfiguration layerConf = conf.getConf(i);
            if (foldedConvs.contains(i)) {
                var conv = (ConvolutionLayer) layerConf.getLayer();
                conv.setHasBias(true);
                int after = i + 2;
                conv.setActivationFn(dropped.contains(after)
                        ? ((ActivationLayer) conf.getConf(after).getLayer()).getActivationFn()
                        : new ActivationIdentity());
            }
            if (conf.getInputPreProcess(i) != null) {
                preProcessors.put(kept.size(), conf.getInputPreProcess(i));
            }
            newIndex.put(i, kept.size());
            kept.add(layerConf);
        }
        conf.setConfs(kept);
        conf.setInputPreProcessors(preProcessors);
        var folded = new MultiLayerNetwork(conf);
        folded.init();
        for (var entry : newIndex.entrySet()) {
            int from = entry.getKey();
            var target = folded.getLayer(entry.getValue());
            if (foldedConvs.contains(from)) {
                foldInto(target, net.getLayer(from), net.getLayer(from + 1));
            } else {
                net.getLayer(from).paramTable().forEach(target::setParam);
            }
        }
        return new ConvNet(folded, model.input());
    }

    /** A plain NCHW conv with identity activation, directly followed by a BatchNorm that no pre-processor sits before. */
    private static boolean isFoldable(MultiLayerNetwork net, PrunableConv conv) {
        int c = conv.layerIndex();
        var convConf = (ConvolutionLayer) net.getLayer(c).conf().getLayer();
        return conv.batchNormLayers().equals(List.of(c + 1))
                && convConf.getActivationFn() instanceof ActivationIdentity
                && convConf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && net.getLayerWiseConfigurations().getInputPreProcess(c + 1) == null
                && (!isActivationLayer(net, c + 2) || net.getLayerWiseConfigurations().getInputPreProcess(c + 2) == null);
    }

    private static boolean isActivationLayer(MultiLayerNetwork net, int index) {
        return index < net.getnLayers() && net.getLayer(index).conf().getLayer() instanceof ActivationLayer;
    }

    /**
     * y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta = conv'(x) + b' with, per output channel o,
     * W'[o] = W[o] * s[o] and b'[o] = (b[o] - mean[o]) * s[o] + beta[o], s = gamma / sqrt(var + eps).
     */
    private static void foldInto(org.deeplearning4j.nn.api.Layer target, org.deeplearning4j.nn.api.Layer conv,
                                 org.deeplearning4j.nn.api.Layer batchNorm) {
        var bnConf = (BatchNormalization) batchNorm.conf().getLayer();
        INDArray mean = batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1);
        INDArray variance;
        if (bnConf.isUseLogStd()) {
            INDArray logStd = batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).reshape(-1);
            INDArray deviation = Transforms.pow(Nd4j.valueArrayOf(logStd.shape(), 10.0, logStd.dataType()), logStd, false);
            variance = deviation.muli(deviation);
        } else {
            variance = batchNorm.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(-1);
        }
        long channels = mean.length();
        INDArray gamma = bnConf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[]{channels}, bnConf.getGamma(), mean.dataType())
                : batchNorm.getParam(BatchNormalizationParamInitializer.GAMMA).reshape(-1);
        INDArray beta = bnConf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[]{channels}, bnConf.getBeta(), mean.dataType())
                : batchNorm.getParam(BatchNormalizationParamInitializer.BETA).reshape(-1);
        INDArray scale = gamma.div(Transforms.sqrt(variance.add(bnConf.getEps()), false));
        INDArray weights = conv.getParam("W");
        INDArray bias = conv.paramTable().containsKey("b") ? conv.getParam("b").reshape(-1)
                : Nd4j.zeros(mean.dataType(), channels);
        INDArray perFilter = weights.dup('c').reshape(channels, weights.length() / channels);
        target.setParam("W", perFilter.muliColumnVector(scale.reshape(channels, 1)).reshape(weights.shape()));
        target.setParam("b", bias.sub(mean).muli(scale).addi(beta).reshape(target.getParam("b").shape()));
    }
}
