package dev.prune.net;

import dev.prune.error.PruningException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.model.VGG16;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Puts VGG16's ImageNet convolution weights into a network built by {@link VggBuilder} from
 * {@link VggSpec#vgg16}, whose dense head is new (transfer learning, as in the seed article).
 */
public final class Vgg16Weights {
    private Vgg16Weights() {
    }

    /** Downloads the ImageNet weights through DL4J's zoo (needs network access to DL4J's model host). */
    public static void loadImageNet(ConvNet target) {
        try {
            Model pretrained = VGG16.builder().build().initPretrained(PretrainedType.IMAGENET);
            copyConvWeights(pretrained, target);
        } catch (IOException e) {
            throw new PruningException("could not download VGG16 ImageNet weights through DL4J's zoo (" + e.getMessage()
                    + "); without network access, pass a local VGG16 model zip instead", e);
        }
    }

    /** Reads the convolution weights from a local DL4J zip (ComputationGraph or MultiLayerNetwork). */
    public static void loadFromFile(Path zip, ConvNet target) {
        Model source;
        try {
            source = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (Exception asGraph) {
            try {
                source = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
            } catch (Exception asList) {
                throw new ModelFileException("cannot read VGG16 weights from " + zip + ": not a DL4J model zip ("
                        + asList.getMessage() + ")", asList);
            }
        }
        copyConvWeights(source, target);
    }

    /** Copies every convolution's weights and bias, in network order; shapes must match one to one. */
    public static void copyConvWeights(Model source, ConvNet target) {
        List<Layer> from = convLayers(source);
        List<Layer> to = convLayers(target.network());
        if (from.size() != to.size()) {
            throw new PruningException("source has " + from.size() + " conv layers but the target has " + to.size()
                    + ": VGG16 weights need a VGG16 target (13 convs)");
        }
        for (int i = 0; i < from.size(); i++) {
            for (String key : List.of("W", "b")) {
                var src = from.get(i).getParam(key);
                var dst = to.get(i).getParam(key);
                if (!Arrays.equals(src.shape(), dst.shape())) {
                    throw new PruningException("conv " + (i + 1) + " param " + key + " has shape " + Arrays.toString(src.shape())
                            + " in the source but " + Arrays.toString(dst.shape()) + " in the target");
                }
                dst.assign(src);
            }
        }
    }

    private static List<Layer> convLayers(Model model) {
        Layer[] layers = model instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) model).getLayers();
        return Arrays.stream(layers).filter(l -> l instanceof ConvolutionLayer).toList();
    }
}
