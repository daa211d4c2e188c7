package dev.prune.net;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/** Builds a freshly initialised {@link ConvNet} from a {@link VggSpec}. */
public final class VggBuilder {
    private VggBuilder() {
    }

    public static ConvNet build(VggSpec spec) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new Adam(1e-3))
                .convolutionMode(ConvolutionMode.Same)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        int convNo = 0;
        int blockNo = 0;
        for (List<Integer> block : spec.blocks()) {
            blockNo++;
            for (int filters : block) {
                convNo++;
                var conv = new ConvolutionLayer.Builder(3, 3).name("conv" + convNo).nOut(filters)
                        .activation(spec.batchNorm() ? Activation.IDENTITY : Activation.RELU);
                list.layer(conv.build());
                if (spec.batchNorm()) {
                    list.layer(new BatchNormalization.Builder().name("bn" + convNo).build());
                    list.layer(new ActivationLayer.Builder().name("relu" + convNo).activation(Activation.RELU).build());
                }
            }
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool" + blockNo)
                    .kernelSize(2, 2).stride(2, 2).build());
        }
        int denseNo = 0;
        for (int units : spec.denseUnits()) {
            list.layer(new DenseLayer.Builder().name("dense" + (++denseNo)).nOut(units).activation(Activation.RELU).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output")
                .nOut(spec.numClasses()).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        list.setInputType(spec.input().toInputType());
        var net = new MultiLayerNetwork(list.build());
        net.init();
        SeededWeights.draw(net, spec.seed());
        return new ConvNet(net, spec.input());
    }
}
