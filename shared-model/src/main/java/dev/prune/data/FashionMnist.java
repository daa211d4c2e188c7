package dev.prune.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Fashion-MNIST data set (Zalando, 28x28 grey images of 10 clothing classes) read from its IDX
 * files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
 * t10k-labels-idx1-ubyte, each gzip-compressed ({@code .gz}) or not. The Debian package
 * {@code dataset-fashion-mnist} installs them in {@value #SYSTEM_DIRECTORY}.
 */
public final class FashionMnist {

    /** Where the Debian package {@code dataset-fashion-mnist} puts the files. */
    public static final String SYSTEM_DIRECTORY = "/usr/share/datasets/fashion-mnist";
    /** Environment variable naming another folder with the IDX files. */
    public static final String DIRECTORY_ENV = "FASHION_MNIST_DIR";
    /** The class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** One image: 1 channel, 28 x 28. */
    public static final ImageShape SHAPE = new ImageShape(1, 28, 28);

    private static final Logger LOG = LoggerFactory.getLogger(FashionMnist.class);
    private static final String HOW_TO_GET = "install it with `apt-get install dataset-fashion-mnist` or set "
            + DIRECTORY_ENV + " to a folder with the IDX files (train-images-idx3-ubyte.gz, "
            + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)";

    private final Path directory;

    /** Reads from {@link #defaultDirectory()}. */
    public FashionMnist() {
        this(defaultDirectory());
    }

    /** Reads from {@code directory}. */
    public FashionMnist(Path directory) {
        this.directory = directory;
    }

    /** {@code $FASHION_MNIST_DIR} when set and not blank, else {@value #SYSTEM_DIRECTORY}. */
    public static Path defaultDirectory() {
        String fromEnv = System.getenv(DIRECTORY_ENV);
        return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv.strip() : SYSTEM_DIRECTORY);
    }

    public Path directory() {
        return directory;
    }

    /** The 60,000 training images. */
    public LabeledImages train() {
        return load("train");
    }

    /** The 10,000 test images. */
    public LabeledImages test() {
        return load("t10k");
    }

    private LabeledImages load(String prefix) {
        Path imagesFile = locate(prefix + "-images-idx3-ubyte");
        Path labelsFile = locate(prefix + "-labels-idx1-ubyte");
        long start = System.nanoTime();
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile);
        if (images.rows() != SHAPE.height() || images.columns() != SHAPE.width()) {
            throw new InvalidDatasetException(imagesFile + " holds images of " + images.rows() + "x" + images.columns()
                    + ", but Fashion-MNIST images are 28x28: this is not Fashion-MNIST, check the folder");
        }
        if (images.count() != labels.length) {
            throw new InvalidDatasetException(imagesFile + " holds " + images.count() + " images but " + labelsFile
                    + " holds " + labels.length + " labels: the two files do not belong together, download both again");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASS_NAMES.size()) {
                throw new InvalidDatasetException(labelsFile + " has label " + labels[i] + " at position " + i
                        + ", but Fashion-MNIST labels are 0..9: the file is corrupt, download it again");
            }
        }
        LOG.info("read {} Fashion-MNIST images from {} in {} ms", labels.length, imagesFile,
                (System.nanoTime() - start) / 1_000_000);
        return LabeledImages.ofPixels(images.pixels(), labels, SHAPE, CLASS_NAMES);
    }

    /** The .gz file when present, else the uncompressed one. */
    private Path locate(String baseName) {
        Path gz = directory.resolve(baseName + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = directory.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        String where = Files.isDirectory(directory) ? "" : " (the folder " + directory + " does not exist)";
        throw new DatasetNotFoundException("Fashion-MNIST file " + gz + " (or " + plain + ") not found" + where
                + ": " + HOW_TO_GET);
    }
}
