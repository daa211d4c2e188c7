package dev.prune.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format): a big-endian magic number
 * (0x00000803 for unsigned-byte images, 0x00000801 for unsigned-byte labels), then one
 * big-endian int per dimension, then the data. A file is read through a GZIPInputStream when it
 * starts with the gzip signature, plainly otherwise, whatever its name.
 */
// DL4J's own MNIST reader (MnistManager) cannot read the gzip-compressed files, hence this reader.
public final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions: images x rows x columns. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension: labels. */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Images of an IDX file: {@code count} images of {@code rows x columns} unsigned bytes, row-major. */
    public record Images(int count, int rows, int columns, byte[] pixels) {}

    private IdxReader() {}

    /**
     * Reads an IDX image file (gzip-compressed or not).
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws InvalidDatasetException if the magic number is wrong or the file is shorter than its header says
     */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            return readImages(in, file.toString());
        } catch (IOException e) {
            throw unreadable(file.toString(), e);
        }
    }

    /**
     * Reads an IDX label file (gzip-compressed or not), each label an unsigned byte.
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws InvalidDatasetException if the magic number is wrong or the file is shorter than its header says
     */
    public static int[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            return readLabels(in, file.toString());
        } catch (IOException e) {
            throw unreadable(file.toString(), e);
        }
    }

    /** Reads IDX images from an uncompressed stream; {@code source} names it in error messages. */
    public static Images readImages(InputStream stream, String source) {
        DataInputStream in = new DataInputStream(stream);
        try {
            checkMagic(in, IMAGES_MAGIC, "image", source);
            int count = readDimension(in, "image count", source);
            int rows = readDimension(in, "row count", source);
            int columns = readDimension(in, "column count", source);
            long total = (long) count * rows * columns;
            if (total > Integer.MAX_VALUE - 16) {
                throw new InvalidDatasetException(source + " says it holds " + count + " images of " + rows + "x"
                        + columns + ", which is more than fits in memory here: the header is corrupt, download the file again");
            }
            byte[] pixels = new byte[(int) total];
            readFully(in, pixels, source, count + " images of " + rows + "x" + columns);
            return new Images(count, rows, columns, pixels);
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /** Reads IDX labels from an uncompressed stream; {@code source} names it in error messages. */
    public static int[] readLabels(InputStream stream, String source) {
        DataInputStream in = new DataInputStream(stream);
        try {
            checkMagic(in, LABELS_MAGIC, "label", source);
            int count = readDimension(in, "label count", source);
            byte[] raw = new byte[count];
            readFully(in, raw, source, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("IDX file " + file + " does not exist: check the path");
        }
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        // not wrapped in another buffer: a truncated gzip stream must report the bytes it delivered
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static void checkMagic(DataInputStream in, int expected, String kind, String source) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new InvalidDatasetException(source + " is empty or shorter than the 4-byte IDX magic number: "
                    + "the file is truncated, download it again");
        }
        if (magic != expected) {
            throw new InvalidDatasetException(String.format(
                    "%s starts with magic number 0x%08X, but an IDX %s file starts with 0x%08X: "
                            + "this is not the right file (or it is corrupt), check which file is at that path",
                    source, magic, kind, expected));
        }
    }

    private static int readDimension(DataInputStream in, String what, String source) throws IOException {
        int value;
        try {
            value = in.readInt();
        } catch (EOFException e) {
            throw new InvalidDatasetException(source + " ends inside its header, before the " + what
                    + ": the file is truncated, download it again");
        }
        if (value < 0) {
            throw new InvalidDatasetException(source + " has a negative " + what + " (" + value
                    + ") in its header: the file is corrupt, download it again");
        }
        return value;
    }

    private static void readFully(InputStream in, byte[] into, String source, String what) throws IOException {
        int done = 0;
        try {
            while (done < into.length) {
                int n = in.read(into, done, Math.min(1 << 16, into.length - done));
                if (n < 0) {
                    break;
                }
                done += n;
            }
        } catch (EOFException e) {
            // a truncated gzip stream ends this way: report the bytes read so far
        }
        if (done < into.length) {
            throw new InvalidDatasetException(source + " is truncated: its header announces " + what + " ("
                    + into.length + " bytes of data) but only " + done + " bytes follow: download the file again");
        }
    }

    private static InvalidDatasetException unreadable(String source, IOException e) {
        if (e instanceof EOFException) {
            return new InvalidDatasetException(source + " is truncated: it ends unexpectedly ("
                    + e.getMessage() + "): download the file again", e);
        }
        return new InvalidDatasetException("cannot read " + source + " (" + e + "): the file is corrupt or "
                + "unreadable, check its permissions or download it again", e);
    }
}
