package dev.prune.e2e;

import dev.prune.data.FashionMnist;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointMetadata;
import dev.prune.store.CheckpointStore;
import dev.prune.train.Trainer;
import dev.prune.train.TrainingSettings;

import java.nio.file.Files;
import java.nio.file.Path;

/** A vgg-small trained briefly on real Fashion-MNIST, saved once per test JVM and stored as a run's base. */
final class TinyBase {
    private static Path file;

    private TinyBase() {
    }

    static synchronized Path file(Path dir) throws Exception {
        if (file == null) {
            Nd4jRuntime.configure();
            var train = new FashionMnist().train().shuffled(1).take(1024);
            ConvNet model = Trainer.train(VggBuilder.build(VggSpec.vggSmall(false, 0)), train,
                    TrainingSettings.adam(1e-3, 64, 1, 0), r -> { }).model();
            Files.createDirectories(dir);
            file = dir.resolve("tiny-base.zip");
            ModelFiles.save(model, file);
        }
        return file;
    }

    static String storeAsBase(CheckpointStore store, String runId, Path dir) throws Exception {
        var key = new CheckpointKey(runId, 0, "base");
        store.put(key, file(dir), CheckpointMetadata.builder("e2e-test").architecture("vgg-small").build());
        return key.prefix();
    }
}
