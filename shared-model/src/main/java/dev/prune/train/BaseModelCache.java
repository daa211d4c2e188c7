package dev.prune.train;

import dev.prune.data.LabeledImages;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Trains a base network once per (network, data, training settings) and reuses the saved
 * model afterwards: training it is the slowest part of a demo or benchmark.
 */
public final class BaseModelCache {
    private final Path folder;

    public BaseModelCache(Path folder) {
        this.folder = folder;
    }

    public record Base(ConvNet model, boolean cached, TrainingReport report, Path file) {
    }

    public Base trainOrLoad(VggSpec spec, LabeledImages data, TrainingSettings settings, Consumer<TrainingReport> progress) {
        Path file = folder.resolve("base-" + fingerprint(spec, data, settings) + ".zip");
        if (Files.isRegularFile(file)) {
            return new Base(ModelFiles.load(file), true, null, file);
        }
        var trained = Trainer.train(VggBuilder.build(spec), data, settings, progress);
        ModelFiles.save(trained.model(), file);
        return new Base(trained.model(), false, trained.report(), file);
    }

    /** Stable across processes: built from the records' text (an enum's hashCode is not). */
    static String fingerprint(VggSpec spec, LabeledImages data, TrainingSettings settings) {
        String key = spec + "|" + data.size() + "|" + java.util.Arrays.hashCode(data.labels()) + "|" + settings;
        return dev.prune.store.Sha256.ofBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
    }
}
