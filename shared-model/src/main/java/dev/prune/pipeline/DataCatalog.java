package dev.prune.pipeline;

import dev.prune.data.FashionMnist;
import dev.prune.error.PruningException;
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
    private static final String FOLDER = "folder:";
    private final Path fashionMnistDir;
    private final Path folderRoot;
    private final Map<String, LabeledImages.Split> loaded = new ConcurrentHashMap<>();

    /** A catalog of Fashion-MNIST only: no image folder is allowed. */
    public DataCatalog(Path fashionMnistDir) {
        this(fashionMnistDir, null);
    }

    /**
     * @param folderRoot the one folder under which runs may name image folders ({@code folder:NAME} is
     *                   {@code folderRoot/NAME}); null allows none
     */
    public DataCatalog(Path fashionMnistDir, Path folderRoot) {
        this.fashionMnistDir = fashionMnistDir;
        this.folderRoot = folderRoot == null ? null : folderRoot.toAbsolutePath().normalize();
    }

    /**
     * Checks that a run may use the data set, before anything is read: the built-in fashion-mnist, or
     * {@code folder:PATH} inside the configured root (relative to it, or absolute inside it; no way out through
     * {@code ..} or links). The message says what is allowed and never what lies elsewhere on the host.
     *
     * @return the folder for a folder data set, null for fashion-mnist
     * @throws PruningException when the data set is not allowed
     */
    public Path checkAllowed(String dataset) {
        if ("fashion-mnist".equals(dataset)) {
            return null;
        }
        String allowed = folderRoot == null
                ? "this deployment allows only dataset 'fashion-mnist' (set pruning.data.folder-root to allow image folders)"
                : "allowed: 'fashion-mnist' or 'folder:NAME' for a folder under " + folderRoot;
        if (dataset == null || !dataset.startsWith(FOLDER) || folderRoot == null) {
            throw new PruningException("dataset '" + abbreviated(dataset) + "' is not allowed; " + allowed);
        }
        String given = dataset.substring(FOLDER.length());
        Path folder;
        try {
            folder = folderRoot.resolve(given).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new PruningException("dataset '" + abbreviated(dataset) + "' is not a folder name; " + allowed);
        }
        if (!folder.startsWith(folderRoot) || folder.equals(folderRoot) || escapesThroughLinks(folder)) {
            throw new PruningException("dataset '" + abbreviated(dataset) + "' lies outside the allowed root; " + allowed);
        }
        return folder;
    }

    private boolean escapesThroughLinks(Path folder) {
        try {
            return java.nio.file.Files.exists(folder) && !folder.toRealPath().startsWith(folderRoot.toRealPath());
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static String abbreviated(String value) {
        return value == null || value.length() <= 120 ? String.valueOf(value) : value.substring(0, 120) + "...";
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
        Path root = checkAllowed(dataset);
        var images = ImageFolderDataset.load(root, ImageFolderOptions.of(shape.channels(), shape.height(), shape.width())).images();
        return images.split(0.8, 0);
    }
}
