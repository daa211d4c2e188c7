package dev.prune.net;

import dev.prune.error.PruningException;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Saves and loads {@link ConvNet}s as DL4J model zips that also carry the input shape. */
public final class ModelFiles {
    static final String INPUT_SHAPE_ENTRY = "pruning-input-shape";

    private ModelFiles() {
    }

    /** Writes the model (without updater state) atomically: a crash leaves no half-written file. */
    public static void save(ConvNet model, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".model-", ".zip.tmp");
            try {
                writePlainDl4j(model, tmp);
                ModelSerializer.addObjectToFile(tmp.toFile(), INPUT_SHAPE_ENTRY, encode(model.input()));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            throw new PruningException("could not write model to " + file + ": " + e.getMessage()
                    + "; check that the folder is writable and the disk has space", e);
        }
    }

    /** Written with DL4J's own activations, so any DL4J (without this project's classes) loads the file. */
    private static void writePlainDl4j(ConvNet model, Path file) throws IOException {
        FastReluGradient.uninstall(model.network());
        try {
            ModelSerializer.writeModel(model.network(), file.toFile(), false);
        } finally {
            FastReluGradient.install(model.network());
        }
    }

    public static ConvNet load(Path file) {
        return load(file, null);
    }

    /**
     * Loads a model; {@code fallbackShape} is used for DL4J zips written by other tools, which
     * do not record their input shape.
     */
    public static ConvNet load(Path file, InputShape fallbackShape) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException("model file " + file + " does not exist: check the path");
        }
        var net = restore(file);
        InputShape shape = readShape(file).orElse(fallbackShape);
        if (shape == null) {
            throw new ModelFileException("model " + file + " does not record its input shape (it was not saved by this tool): "
                    + "give the shape explicitly, e.g. --input-shape 3x224x224");
        }
        return new ConvNet(net, shape);
    }

    private static org.deeplearning4j.nn.multilayer.MultiLayerNetwork restore(Path file) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException("model file " + file + " is corrupt or truncated, or not a DL4J MultiLayerNetwork zip ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); fetch or save it again", e);
        }
    }

    private static Optional<InputShape> readShape(Path file) {
        try {
            if (!ModelSerializer.listObjectsInFile(file.toFile()).contains(INPUT_SHAPE_ENTRY)) {
                return Optional.empty();
            }
            String text = ModelSerializer.getObjectFromFile(file.toFile(), INPUT_SHAPE_ENTRY);
            return Optional.of(parseShape(text));
        } catch (RuntimeException e) {
            throw new ModelFileException("model file " + file + " has an unreadable input-shape entry: " + e.getMessage(), e);
        }
    }

    static String encode(InputShape shape) {
        return shape.toString();
    }

    /** Parses "CxHxW", e.g. "1x28x28". */
    public static InputShape parseShape(String text) {
        String[] parts = text.trim().split("x");
        if (parts.length != 3) {
            throw new PruningException("input shape '" + text + "' is not CxHxW, e.g. 1x28x28");
        }
        try {
            return new InputShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new PruningException("input shape '" + text + "' is not CxHxW with whole numbers, e.g. 1x28x28", e);
        }
    }
}
