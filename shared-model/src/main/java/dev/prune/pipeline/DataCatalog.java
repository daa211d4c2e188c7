package dev.prune.pipeline;

import dev.prune.data.FashionMnist;
import dev.prune.data.ImageFolderDataset;
import dev.prune.data.ImageFolderOptions;
import dev.prune.data.LabeledImages;
import dev.prune.events.RunSpec;
import dev.prune.net.InputShape;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Training and held-out images for a run, loaded once per process and sliced per run
 * (seeded, so every stage of a run sees the same images).
 */
public final class DataCatalog {
    private final Path fashionMnistDir;
    private final Map<String, LabeledImages.Split> loaded = new ConcurrentHashMap<>();

    public DataCatalog(Path fashionMnistDir) {
        this.fashionMnistDir = fashionMnistDir;
    }

    public record TrainTest(LabeledImages train, LabeledImages test) {
    }

    public TrainTest forRun(RunSpec spec, InputShape shape) {
        LabeledImages.Split all = loaded.computeIfAbsent(spec.dataset() + "@" + shape, key -> load(spec.dataset(), shape));
        LabeledImages train = all.first();
        LabeledImages test = all.second();
        if (spec.trainImages() > 0 && spec.trainImages() < train.size()) {
            train = train.shuffled(spec.seed()).take(spec.trainImages());
        }
        if (spec.testImages() > 0 && spec.testImages() < test.size()) {
            test = test.shuffled(spec.seed()).take(spec.testImages());
        }
        return new TrainTest(train, test);
    }

    private LabeledImages.Split load(String dataset, InputShape shape) {
        if (dataset.equals("fashion-mnist")) {
            var mnist = fashionMnistDir != null ? new FashionMnist(fashionMnistDir) : new FashionMnist();
            return new LabeledImages.Split(mnist.train(), mnist.test());
        }
        Path root = Path.of(dataset.substring("folder:".length()));
        var images = ImageFolderDataset.load(root, ImageFolderOptions.of(shape.channels(), shape.height(), shape.width())).images();
        return images.split(0.8, 0);
    }
}
