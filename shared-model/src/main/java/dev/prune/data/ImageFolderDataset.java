package dev.prune.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images in one sub-folder per class (the Kaggle cats-vs-dogs layout):
 *
 * <pre>
 *   root/cats/cat.0.jpg  root/cats/cat.1.jpg ...
 *   root/dogs/dog.0.jpg  ...
 * </pre>
 *
 * Class names are the sub-folder names in sorted order (label k = k-th name). Files ending in
 * .jpg, .jpeg or .png (any case) are decoded with javax.imageio, in file-name order, and converted
 * as {@link ImageFolderOptions} says (see {@link ImageConverter}). Hidden files and folders (name
 * starting with '.') are left out; other files are ignored and listed in {@link #ignoredFiles()};
 * image files that fail to decode are skipped with a warning and listed in {@link #skippedFiles()}.
 */
public final class ImageFolderDataset {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderDataset.class);
    private static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png");
    private static final String LAYOUT = "expected a folder with one sub-folder per class, each holding that "
            + "class's .jpg/.jpeg/.png images, e.g. ROOT/cats/cat.0.jpg and ROOT/dogs/dog.0.jpg";

    private final Path root;
    private final LabeledImages images;
    private final List<Path> skippedFiles;
    private final List<Path> ignoredFiles;

    private ImageFolderDataset(Path root, LabeledImages images, List<Path> skippedFiles, List<Path> ignoredFiles) {
        this.root = root;
        this.images = images;
        this.skippedFiles = List.copyOf(skippedFiles);
        this.ignoredFiles = List.copyOf(ignoredFiles);
    }

    /**
     * Loads every class folder under {@code root}.
     *
     * @throws InvalidDatasetException if root is not a folder, has fewer than two class folders, or a
     *     class folder has no readable image
     */
    public static ImageFolderDataset load(Path root, ImageFolderOptions options) {
        if (!Files.exists(root)) {
            throw new InvalidDatasetException("image folder " + root + " does not exist: " + LAYOUT.replace("ROOT", root.toString()));
        }
        if (!Files.isDirectory(root)) {
            throw new InvalidDatasetException(root + " is a file, not a folder: " + LAYOUT.replace("ROOT", root.toString()));
        }
        List<Path> classDirs = list(root).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty()) {
            throw new InvalidDatasetException("no class folders under " + root + ": " + LAYOUT.replace("ROOT", root.toString()));
        }
        if (classDirs.size() == 1) {
            throw new InvalidDatasetException("found only one class folder '" + classDirs.get(0).getFileName() + "' under "
                    + root + ": an image classifier needs at least two: put each class's images in its own sub-folder");
        }
        ImageShape shape = options.shape();
        List<String> classNames = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        for (Path classDir : classDirs) {
            int label = classNames.size();
            String className = classDir.getFileName().toString();
            classNames.add(className);
            List<Path> imageFiles = new ArrayList<>();
            for (Path file : list(classDir)) {
                if (Files.isRegularFile(file) && isImageName(file)) {
                    imageFiles.add(file);
                } else {
                    ignored.add(file);
                }
            }
            if (imageFiles.isEmpty()) {
                throw new InvalidDatasetException("class folder '" + className + "' under " + root
                        + " has no .jpg/.jpeg/.png files: add its images or remove the folder");
            }
            int read = 0;
            int skippedHere = 0;
            for (Path file : imageFiles) {
                if (options.maxImagesPerClass() > 0 && read >= options.maxImagesPerClass()) {
                    break;
                }
                byte[] image = decode(file, shape);
                if (image == null) {
                    skipped.add(file);
                    skippedHere++;
                    continue;
                }
                pixels.add(image);
                labels.add(label);
                read++;
            }
            if (read == 0) {
                throw new InvalidDatasetException("none of the " + skippedHere + " image files in class folder '"
                        + className + "' under " + root + " could be decoded: check that they are valid JPEG or PNG files");
            }
            LOG.info("class '{}' (label {}): {} images read, {} unreadable skipped", className, label, read, skippedHere);
        }
        if (!ignored.isEmpty()) {
            LOG.warn("ignored {} entries under {} that are not .jpg/.jpeg/.png files, e.g. {}", ignored.size(), root,
                    ignored.get(0));
        }
        int per = shape.valuesPerImage();
        byte[] all = new byte[Math.multiplyExact(pixels.size(), per)];
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(pixels.get(i), 0, all, i * per, per);
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageFolderDataset(root, LabeledImages.ofPixels(all, labelArray, shape, classNames), skipped, ignored);
    }

    public Path root() {
        return root;
    }

    /** The loaded images, labelled by class folder. */
    public LabeledImages images() {
        return images;
    }

    /** Class names (the sub-folder names, sorted), in label order. */
    public List<String> classNames() {
        return images.classNames();
    }

    /** Image files (by name) that could not be decoded and were left out. */
    public List<Path> skippedFiles() {
        return skippedFiles;
    }

    /** Entries in class folders that are not .jpg/.jpeg/.png files, left out without trying to decode them. */
    public List<Path> ignoredFiles() {
        return ignoredFiles;
    }

    private static byte[] decode(Path file, ImageShape shape) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                LOG.warn("skipping {}: no image decoder recognises its content", file);
                return null;
            }
            return ImageConverter.toNchwBytes(image, shape);
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping {}: it cannot be decoded ({})", file, e.toString());
            return null;
        }
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** Non-hidden entries of a folder, sorted by name. */
    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new InvalidDatasetException("cannot list " + dir + " (" + e + "): check that it is readable", e);
        }
    }
}
