package dev.prune.net;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.model.VGG16;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** VGG16 conv weights come from a DL4J zoo VGG16 zip (here a local one: no network in tests). */
class Vgg16WeightsTest {

    @Test
    void copiesAllThirteenConvsFromAZooModelFile(@TempDir Path dir) throws Exception {
        // the zoo's own VGG16 graph, at 32x32 so its dense head stays small
        ComputationGraph zoo = VGG16.builder().numClasses(10).inputShape(new int[]{3, 32, 32}).build().init();
        Path zip = dir.resolve("vgg16.zip");
        ModelSerializer.writeModel(zoo, zip.toFile(), false);

        ConvNet target = VggBuilder.build(VggSpec.vgg16(new InputShape(3, 32, 32), List.of(64), 2, 5));
        Vgg16Weights.loadFromFile(zip, target);

        var zooConvs = java.util.Arrays.stream(zoo.getLayers())
                .filter(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer).toList();
        var ours = java.util.Arrays.stream(target.network().getLayers())
                .filter(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer).toList();
        assertEquals(13, ours.size());
        for (int i = 0; i < 13; i++) {
            assertEquals(zooConvs.get(i).getParam("W"), ours.get(i).getParam("W"));
            assertEquals(zooConvs.get(i).getParam("b"), ours.get(i).getParam("b"));
        }
    }
}
