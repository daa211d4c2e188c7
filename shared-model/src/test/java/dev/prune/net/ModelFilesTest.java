package dev.prune.net;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.NoConvLayersException;
import dev.prune.testing.TinyNets;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFilesTest {

    @Test
    void roundTripKeepsParametersAndInputShape(@TempDir Path dir) {
        ConvNet model = TinyNets.tiny(true, 4);
        Path file = dir.resolve("m.zip");
        ModelFiles.save(model, file);
        ConvNet loaded = ModelFiles.load(file);
        assertEquals(model.input(), loaded.input());
        assertEquals(model.network().params(), loaded.network().params());
        var x = TinyNets.randomInput(model, 3, 1);
        assertEquals(model.network().output(x, false), loaded.network().output(x, false));
    }

    @Test
    void truncatedOrGarbageFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
        ConvNet model = TinyNets.tiny(false, 4);
        Path file = dir.resolve("m.zip");
        ModelFiles.save(model, file);
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(ModelFileException.class, () -> ModelFiles.load(truncated));
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());

        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a model");
        assertThrows(ModelFileException.class, () -> ModelFiles.load(garbage));
        assertThrows(ModelFileException.class, () -> ModelFiles.load(dir.resolve("missing.zip")));
    }

    @Test
    void networkWithoutConvLayersHasNothingToPrune() {
        var conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .layer(new OutputLayer.Builder().nIn(3).nOut(2).build())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        var e = assertThrows(NoConvLayersException.class, () -> ConvDependencies.of(new ConvNet(net, new InputShape(1, 2, 2))));
        assertTrue(e.getMessage().contains("no convolution layers"), e.getMessage());
    }

    @Test
    void parsesShapes() {
        assertEquals(new InputShape(3, 224, 224), ModelFiles.parseShape("3x224x224"));
        assertThrows(dev.prune.error.PruningException.class, () -> ModelFiles.parseShape("224x224"));
        assertThrows(dev.prune.error.PruningException.class, () -> ModelFiles.parseShape("0x2x2"));
    }
}
