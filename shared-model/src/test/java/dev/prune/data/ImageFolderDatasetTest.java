package dev.prune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** Loads small generated PNG and JPEG images laid out one folder per class. */
class ImageFolderDatasetTest {

    @TempDir
    Path root;

    private static void image(Path file, String format, int type, Color color, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(w, h, type);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
    }

    /** cats: 3 red PNGs (one .PNG); dogs: 2 blue JPEGs (.jpg and .JPEG), sizes differ from the target. */
    private void catsAndDogs() throws IOException {
        image(root.resolve("cats/cat.0.png"), "png", BufferedImage.TYPE_INT_RGB, Color.RED, 40, 30);
        image(root.resolve("cats/cat.1.PNG"), "png", BufferedImage.TYPE_INT_RGB, Color.RED, 20, 20);
        image(root.resolve("cats/cat.2.png"), "png", BufferedImage.TYPE_INT_ARGB, Color.RED, 9, 33);
        image(root.resolve("dogs/dog.0.jpg"), "jpg", BufferedImage.TYPE_INT_RGB, Color.BLUE, 50, 40);
        image(root.resolve("dogs/dog.1.JPEG"), "jpg", BufferedImage.TYPE_INT_RGB, Color.BLUE, 12, 12);
    }

    @Test
    void loadsRgbImagesWithLabelsFromFolderNames() throws IOException {
        catsAndDogs();
        ImageFolderDataset dataset = ImageFolderDataset.load(root, ImageFolderOptions.of(3, 16, 16));
        LabeledImages images = dataset.images();
        assertEquals(List.of("cats", "dogs"), dataset.classNames());
        assertEquals(5, images.size());
        assertEquals(new ImageShape(3, 16, 16), images.shape());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, images.labels());
        assertTrue(dataset.skippedFiles().isEmpty());

        int plane = 16 * 16;
        float[] cat = images.features(0);
        float[] dog = images.features(4);
        assertEquals(3 * plane, cat.length);
        for (int i = 0; i < plane; i++) {
            assertEquals(1f, cat[i], 1e-6f, "red channel of a red cat");
            assertEquals(0f, cat[plane + i], 1e-6f);
            assertEquals(0f, cat[2 * plane + i], 1e-6f);
            assertEquals(0f, dog[i], 0.05f, "JPEG is lossy: nearly no red in a blue dog");
            assertEquals(1f, dog[2 * plane + i], 0.05f, "blue channel of a blue dog");
        }
        DataSet all = images.toDataSet();
        assertArrayEquals(new long[] {5, 3, 16, 16}, all.getFeatures().shape());
        assertTrue(all.getFeatures().minNumber().floatValue() >= 0f);
        assertTrue(all.getFeatures().maxNumber().floatValue() <= 1f);
    }

    @Test
    void loadsGreyAtAnotherSize() throws IOException {
        catsAndDogs();
        image(root.resolve("dogs/dog.2.png"), "png", BufferedImage.TYPE_BYTE_GRAY, new Color(128, 128, 128), 10, 10);
        LabeledImages images = ImageFolderDataset.load(root, ImageFolderOptions.of(1, 8, 8)).images();
        assertEquals(new ImageShape(1, 8, 8), images.shape());
        assertEquals(6, images.size());
        assertEquals(64, images.features(0).length);
        assertEquals(Math.round(0.299f * 255) / 255f, images.features(0)[0], 1e-6f, "luma of pure red");
        assertEquals(128 / 255f, images.features(5)[63], 1e-6f, "a grey PNG keeps its grey value");
    }

    @Test
    void capsImagesPerClassByFileName() throws IOException {
        catsAndDogs();
        LabeledImages images = ImageFolderDataset.load(root, ImageFolderOptions.of(1, 4, 4).withMaxImagesPerClass(1)).images();
        assertArrayEquals(new int[] {0, 1}, images.labels());
    }

    @Test
    void nonImageAndUndecodableFilesAreLeftOut() throws IOException {
        catsAndDogs();
        Files.writeString(root.resolve("cats/notes.txt"), "not an image");
        Files.writeString(root.resolve("dogs/broken.jpg"), "not a jpeg either");
        Files.writeString(root.resolve("dogs/.DS_Store"), "hidden");
        ImageFolderDataset dataset = ImageFolderDataset.load(root, ImageFolderOptions.of(3, 8, 8));
        assertEquals(5, dataset.images().size());
        assertEquals(List.of(root.resolve("dogs/broken.jpg")), dataset.skippedFiles());
        assertEquals(List.of(root.resolve("cats/notes.txt")), dataset.ignoredFiles());
    }

    @Test
    void singleClassFolderIsRejectedClearly() throws IOException {
        image(root.resolve("cats/cat.0.png"), "png", BufferedImage.TYPE_INT_RGB, Color.RED, 8, 8);
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> ImageFolderDataset.load(root, ImageFolderOptions.of(3, 8, 8)));
        assertEquals("found only one class folder 'cats' under " + root + ": an image classifier needs at least two: "
                + "put each class's images in its own sub-folder", e.getMessage());
    }

    @Test
    void emptyOrUnreadableClassFolderIsRejected() throws IOException {
        catsAndDogs();
        Files.createDirectories(root.resolve("birds"));
        InvalidDatasetException empty = assertThrows(InvalidDatasetException.class,
                () -> ImageFolderDataset.load(root, ImageFolderOptions.of(3, 8, 8)));
        assertTrue(empty.getMessage().contains("'birds'") && empty.getMessage().contains("no .jpg/.jpeg/.png"),
                empty.getMessage());
        Files.writeString(root.resolve("birds/bird.0.png"), "garbage");
        InvalidDatasetException unreadable = assertThrows(InvalidDatasetException.class,
                () -> ImageFolderDataset.load(root, ImageFolderOptions.of(3, 8, 8)));
        assertTrue(unreadable.getMessage().contains("could be decoded"), unreadable.getMessage());
    }

    @Test
    void missingRootExplainsTheLayout() {
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> ImageFolderDataset.load(root.resolve("nope"), ImageFolderOptions.of(3, 8, 8)));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("one sub-folder per class"),
                e.getMessage());
        assertThrows(InvalidDatasetException.class, () -> ImageFolderOptions.of(2, 8, 8));
    }
}
