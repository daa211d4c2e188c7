package dev.prune.cli;

import dev.prune.net.InputShape;
import dev.prune.net.ModelFileException;
import dev.prune.net.ModelFiles;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportCommandTest {

    @Test
    void writesTheInferenceFormWithTheSameOutputs(@TempDir Path dir) {
        var model = VggBuilder.build(new VggSpec(new InputShape(1, 8, 8), List.of(List.of(4, 5), List.of(6)), true,
                List.of(8), 3, 4));
        Path in = dir.resolve("model.zip");
        Path out = dir.resolve("inference.zip");
        ModelFiles.save(model, in);

        int rc = new CommandLine(new ExportCommand()).execute("--model", in.toString(), "--out", out.toString());

        assertEquals(0, rc);
        var exported = ModelFiles.load(out);
        assertEquals(model.input(), exported.input());
        assertEquals(model.numLayers() - 6, exported.numLayers());
        for (var layer : exported.network().getLayers()) {
            assertTrue(!(layer.conf().getLayer() instanceof BatchNormalization));
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 1, 8, 8);
        INDArray expected = model.network().output(x, false);
        assertTrue(expected.sub(exported.network().output(x, false)).amaxNumber().doubleValue() < 1e-5);
    }

    @Test
    void aMissingModelSaysWhichFile(@TempDir Path dir) {
        var command = new ExportCommand();
        command.model = dir.resolve("absent.zip");
        command.out = dir.resolve("out.zip");
        var e = assertThrows(ModelFileException.class, command::call);
        assertTrue(e.getMessage().contains("absent.zip does not exist"), e.getMessage());
    }
}
