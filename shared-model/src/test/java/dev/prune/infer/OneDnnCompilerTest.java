package dev.prune.infer;

import dev.prune.graph.UnsupportedNetworkException;
import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compiled network answers what DL4J answers, for every layer form it accepts; others are refused. */
class OneDnnCompilerTest {

    @Test
    void vggSmallAndAPrunedVggSmallAnswerAsDl4jDoes() {
        for (List<List<Integer>> blocks : List.of(List.of(List.of(32, 32), List.of(64, 64)),
                List.of(List.of(27, 32), List.of(22, 15)))) {
            ConvNet model = VggBuilder.build(new VggSpec(new InputShape(1, 28, 28), blocks, false, List.of(128), 10, 7));
            for (int batch : new int[]{1, 5}) {
                assertSameAnswers(model, batch, 1e-5);
            }
        }
    }

    @Test
    void batchNormIsFoldedAndAnswersAsDl4jDoes() {
        ConvNet model = TinyNets.tiny(true, 5);
        TinyNets.randomiseBatchNorm(model, 9);
        assertSameAnswers(model, 3, 1e-5);
    }

    @Test
    void stridesPaddingDilationAveragePoolingAndOtherActivations() {
        var conf = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).stride(2, 2).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.LEAKYRELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).dilation(2, 2).padding(1, 2)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .hasBias(false).activation(Activation.TANH).build())
                .layer(new ActivationLayer.Builder().activation(Activation.ELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(3, 3).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(4).stride(1, 2).convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new DenseLayer.Builder().nOut(7).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new DenseLayer.Builder().nOut(6).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(new InputShape(3, 17, 15).toInputType())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        ConvNet model = new ConvNet(net, new InputShape(3, 17, 15));
        for (int batch : new int[]{1, 4}) {
            assertSameAnswers(model, batch, 1e-5);
        }
    }

    @Test
    void aLayerItCannotRunIsRefusedByName() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder().name("gap").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(new InputShape(1, 8, 8).toInputType())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        var error = assertThrows(UnsupportedNetworkException.class,
                () -> OneDnnCompiler.compile(new ConvNet(net, new InputShape(1, 8, 8)), 2));
        assertTrue(error.getMessage().contains("'gap'") && error.getMessage().contains("dl4j runtime"), error.getMessage());
    }

    @Test
    void answersOnlyTheShapeItWasCompiledForAndNothingAfterClose() {
        ConvNet model = TinyNets.tiny(false, 5);
        var compiled = OneDnnCompiler.compile(model, 2);
        var error = assertThrows(IllegalArgumentException.class, () -> compiled.output(TinyNets.randomInput(model, 3, 1)));
        assertTrue(error.getMessage().contains("compile one for that batch size"), error.getMessage());
        INDArray x = TinyNets.randomInput(model, 2, 1);
        INDArray answer = compiled.output(x);
        var wrongShape = assertThrows(IllegalArgumentException.class,
                () -> compiled.output(x, Nd4j.create(DataType.FLOAT, 3, answer.size(1))));
        assertTrue(wrongShape.getMessage().contains("create one with Nd4j.create(DataType.FLOAT, 2, " + answer.size(1) + ")"),
                wrongShape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> compiled.output(x, Nd4j.create(DataType.FLOAT, answer.shape(), 'f')),
                "an f-order array");
        compiled.close();
        assertThrows(IllegalStateException.class, () -> compiled.output(TinyNets.randomInput(model, 2, 1)));
    }

    @Test
    void aRuntimeIsNamedInConfigurationAndAnUnknownNameSaysWhatToUse() {
        assertEquals(InferenceRuntime.ONEDNN, InferenceRuntime.parse(" OneDNN"));
        assertEquals(InferenceRuntime.DL4J, InferenceRuntime.parse("dl4j"));
        var error = assertThrows(dev.prune.error.PruningException.class, () -> InferenceRuntime.parse("tensorrt"));
        assertEquals("unknown inference runtime 'tensorrt': use one of [dl4j, onednn]", error.getMessage());
    }

    private static void assertSameAnswers(ConvNet model, int batch, double tolerance) {
        var dl4j = model.network().clone(); // a clone runs DL4J's own layer helpers, not ConvNet's oneDNN ones
        try (OneDnnNetwork compiled = OneDnnCompiler.compile(model, batch)) {
            List<INDArray> expectedAnswers = new ArrayList<>();
            List<INDArray> answers = new ArrayList<>();
            for (long seed = 1; seed <= 3; seed++) { // repeated runs reuse the compiled memory
                INDArray x = TinyNets.randomInput(model, batch, seed).muli(3).subi(1);
                INDArray expected = dl4j.output(x, false);
                INDArray actual = compiled.output(x);
                assertArrayEquals(expected.shape(), actual.shape());
                INDArray into = Nd4j.create(DataType.FLOAT, actual.shape());
                compiled.output(x, into);
                assertEquals(actual, into, "answered into the caller's array");
                assertEquals(1.0, actual.getRow(0).sumNumber().doubleValue(), 1e-5, "softmax rows sum to 1");
                expectedAnswers.add(expected);
                answers.add(actual);
            }
            for (int i = 0; i < answers.size(); i++) { // each answer is the caller's: later runs leave it as it was
                double largest = expectedAnswers.get(i).sub(answers.get(i)).amaxNumber().doubleValue();
                assertTrue(largest < tolerance, "batch " + batch + ", run " + (i + 1) + ": largest difference " + largest);
            }
        }
    }
}
