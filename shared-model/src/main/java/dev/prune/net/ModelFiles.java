package dev.prune.net;

import dev.prune.error.PruningException;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.IdentityHashMap;
import java.util.Map;
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

    /**
     * Written with DL4J's own activation classes, so any DL4J (without this project's classes) loads the file: a
     * running network may carry a subclass of DL4J's ReLU that computes only its gradient its own way (the speed-up
     * {@code dev.prune.speedup.FastReluGradient}); it is written as the ReLU it extends and put back afterwards.
     */
    private static void writePlainDl4j(ConvNet model, Path file) throws IOException {
        MultiLayerNetwork network = model.network();
        Map<Layer, IActivation> swapped = new IdentityHashMap<>();
        // the running layers' confs and the ones serialised; after init they are the same objects
        for (var layer : network.getLayers()) {
            writeAsDl4jRelu(layer.conf().getLayer(), swapped);
        }
        for (var conf : network.getLayerWiseConfigurations().getConfs()) {
            writeAsDl4jRelu(conf.getLayer(), swapped);
        }
        try {
            ModelSerializer.writeModel(network, file.toFile(), false);
        } finally {
            swapped.forEach(ModelFiles::setActivation);
        }
    }

    private static void writeAsDl4jRelu(Layer layer, Map<Layer, IActivation> swapped) {
        IActivation fn = activationOf(layer);
        if (fn instanceof ActivationReLU relu && fn.getClass() != ActivationReLU.class && !swapped.containsKey(layer)) {
            swapped.put(layer, fn);
            setActivation(layer, relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null
                    ? new ActivationReLU() : new ActivationReLU(relu.getMax(), relu.getThreshold(), relu.getNegativeSlope()));
        }
    }

    private static IActivation activationOf(Layer layer) {
        if (layer instanceof BaseLayer base) {
            return base.getActivationFn();
        }
        return layer instanceof ActivationLayer activation ? activation.getActivationFn() : null;
    }

    private static void setActivation(Layer layer, IActivation fn) {
        if (layer instanceof BaseLayer base) {
            base.setActivationFn(fn);
        } else if (layer instanceof ActivationLayer activation) {
            activation.setActivationFn(fn);
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

    private static MultiLayerNetwork restore(Path file) {
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
