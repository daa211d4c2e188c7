package dev.prune.cli;

import dev.prune.data.FashionMnist;
import dev.prune.net.ModelFiles;
import dev.prune.net.VggSpec;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.CheckpointMetadata;
import dev.prune.store.CheckpointStage;
import dev.prune.store.CheckpointStore;
import dev.prune.store.CheckpointStores;
import dev.prune.train.BaseModelCache;
import dev.prune.train.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ./pruning base: puts a run's base network into the object store, at {@code runs/{run}/iter-000/base/}, where
 * {@code ./pruning start --base} (POST /runs) names it: a DL4J model zip of the user's, or a vgg-small trained here on
 * Fashion-MNIST (as the demo and the benchmark train theirs). Write-once: a base already there is kept.
 */
@Command(name = "base", mixinStandardHelpOptions = true,
        description = "Store a run's base network (a model zip, or a vgg-small trained here on Fashion-MNIST) at "
                + "runs/RUN/iter-000/base/ in the object store, for ./pruning start --base.")
final class BaseCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "The run id the base is for")
    String run;
    @Option(names = "--model", description = "A DL4J model zip to store; without it a vgg-small is trained")
    Path model;
    @Option(names = "--batch-norm", description = "Train the vgg-small with BatchNorm after each conv")
    boolean batchNorm;
    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default: 2)")
    int epochs;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--store", description = "The object store, as the services' pruning.store.* settings, e.g. "
            + "--store type=s3 --store s3.endpoint=http://localhost:9000 --store s3.bucket=pruning "
            + "--store s3.access-key=... --store s3.secret-key=... (default: the folder .pruning/checkpoints)")
    Map<String, String> store = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Nd4jRuntime.configure();
        var key = new CheckpointKey(run, 0, CheckpointStage.BASE);
        try (CheckpointStore target = CheckpointStores.fromSettings(storeSettings())) {
            var existing = target.manifest(key);
            if (existing.isPresent()) {
                System.out.printf("%s is already stored (sha256 %s): kept; start with --base %s%n", key, existing.get().sha256(),
                        key.prefix());
                return 0;
            }
            Path file;
            String architecture;
            if (model != null) {
                ModelFiles.load(model); // refuses what no stage could load, before anything is stored
                file = model;
                architecture = "user";
            } else {
                var progress = new ProgressLine(System.out);
                var base = new BaseModelCache(ProjectPaths.cacheDir()).trainOrLoad(VggSpec.vggSmall(batchNorm, seed),
                        new FashionMnist().train(), TrainingSettings.adam(1e-3, 64, epochs, seed),
                        r -> progress.update(String.format("training base vgg-small: %d images, %.0f img/s, loss %.4f",
                                r.images(), r.imagesPerSecond(), r.finalLoss())));
                progress.line(base.cached() ? "base: reusing " + base.file() : "base: trained and cached at " + base.file());
                file = base.file();
                architecture = "vgg-small";
            }
            CheckpointManifest stored = target.put(key, file,
                    CheckpointMetadata.builder("cli").architecture(architecture).build());
            System.out.printf("stored %s (sha256 %s); start with --base %s%n", key, stored.sha256(), key.prefix());
        }
        return 0;
    }

    /** {@code --store type=s3} as {@code pruning.store.type=s3}; keys already written in full are kept. */
    Map<String, String> storeSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        store.forEach((name, value) -> settings.put(name.startsWith(CheckpointStores.PREFIX) ? name
                : CheckpointStores.PREFIX + (name.startsWith("store.") ? name : "store." + name), value));
        return settings;
    }
}
