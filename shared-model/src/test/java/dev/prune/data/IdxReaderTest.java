package dev.prune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX parsing on small hand-made files. */
class IdxReaderTest {

    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsPlainAndGzipImagesAndLabels() throws IOException {
        byte[] pixels = new byte[2 * 28 * 28];
        pixels[0] = (byte) 255;
        pixels[28 * 28] = 7;
        byte[] images = idx(IdxReader.IMAGES_MAGIC, new int[] {2, 28, 28}, pixels);
        byte[] labels = idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {9, (byte) 200});

        IdxReader.Images plain = IdxReader.readImages(write("imgs", images));
        IdxReader.Images zipped = IdxReader.readImages(write("imgs.gz", gzip(images)));
        assertEquals(2, plain.count());
        assertEquals(28, plain.rows());
        assertEquals(28, plain.columns());
        assertArrayEquals(pixels, plain.pixels());
        assertArrayEquals(pixels, zipped.pixels());
        assertArrayEquals(new int[] {9, 200}, IdxReader.readLabels(write("labels", labels)));
        assertArrayEquals(new int[] {9, 200}, IdxReader.readLabels(write("labels.gz", gzip(labels))));
    }

    @Test
    void wrongMagicNumberIsReported() throws IOException {
        Path labels = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[] {1}));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> IdxReader.readImages(labels));
        assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void shortDataIsReportedWithTheByteCounts() throws IOException {
        Path file = write("imgs", idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[5]));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains("12 bytes") && e.getMessage().contains("only 5"), e.getMessage());
        Path header = write("hdr", new byte[] {0, 0, 8, 3, 0, 0});
        assertThrows(InvalidDatasetException.class, () -> IdxReader.readImages(header));
        Path empty = write("empty", new byte[0]);
        assertThrows(InvalidDatasetException.class, () -> IdxReader.readLabels(empty));
    }

    @Test
    void imageAndLabelCountMismatchIsReported() throws IOException {
        write("train-images-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 28, 28}, new byte[2 * 784]));
        write("train-labels-idx1-ubyte", idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {0, 1, 2}));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> new FashionMnist(dir).train());
        assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("3 labels"), e.getMessage());
    }

    @Test
    void smallValidFilesLoadAsFashionMnist() throws IOException {
        write("train-images-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 28, 28}, new byte[2 * 784]));
        write("train-labels-idx1-ubyte.gz", gzip(idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {3, 4})));
        LabeledImages images = new FashionMnist(dir).train();
        assertEquals(2, images.size());
        assertEquals(4, images.label(1));
        assertEquals(FashionMnist.CLASS_NAMES, images.classNames());
    }

    @Test
    void missingFileIsNotFound() {
        assertThrows(DatasetNotFoundException.class, () -> IdxReader.readLabels(dir.resolve("nope")));
    }
}
