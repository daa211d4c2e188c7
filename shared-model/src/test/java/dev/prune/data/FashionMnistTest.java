package dev.prune.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Reads the real Fashion-MNIST (Debian package dataset-fashion-mnist); skipped where it is not installed. */
class FashionMnistTest {

    private static final Path DIR = Path.of(FashionMnist.SYSTEM_DIRECTORY);
    private static LabeledImages train;
    private static LabeledImages test;

    @BeforeAll
    static void load() {
        assumeTrue(Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed in " + DIR + ": apt-get install dataset-fashion-mnist");
        FashionMnist mnist = new FashionMnist(DIR);
        train = mnist.train();
        test = mnist.test();
    }

    @Test
    void trainAndTestHaveTheKnownSizesAndShape() {
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(new ImageShape(1, 28, 28), train.shape());
        assertEquals(10, train.numClasses());
        assertEquals("T-shirt/top", train.classNames().get(0));
        assertEquals("Ankle boot", train.classNames().get(9));
        int[] sixThousandEach = new int[10];
        Arrays.fill(sixThousandEach, 6000);
        assertArrayEquals(sixThousandEach, train.classCounts());
        int[] thousandEach = new int[10];
        Arrays.fill(thousandEach, 1000);
        assertArrayEquals(thousandEach, test.classCounts());
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
        assertEquals(9, test.label(0), "the first test image is an ankle boot");
    }

    @Test
    void pixelsAreInUnitRangeAndUseIt() {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = 0; i < 500; i++) {
            for (float v : train.features(i)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void iteratorOverRealDataGivesNchwBatches() {
        DataSetIterator it = test.take(300).iterator(128, true, 1);
        DataSet first = it.next();
        assertArrayEquals(new long[] {128, 1, 28, 28}, first.getFeatures().shape());
        assertArrayEquals(new long[] {128, 10}, first.getLabels().shape());
        it.next();
        DataSet last = it.next();
        assertArrayEquals(new long[] {44, 1, 28, 28}, last.getFeatures().shape());
        assertFalse(it.hasNext());
        it.reset();
        assertTrue(it.hasNext());
        assertArrayEquals(new long[] {128, 1, 28, 28}, it.next().getFeatures().shape());
    }

    @Test
    void splitOfRealDataIsDeterministic() {
        LabeledImages.Split split = train.split(0.9, 42);
        assertEquals(54_000, split.first().size());
        assertEquals(6_000, split.second().size());
        assertArrayEquals(split.second().labels(), train.split(0.9, 42).second().labels());
    }

    @Test
    void missingFolderSaysHowToInstall(@TempDir Path empty) {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> new FashionMnist(empty.resolve("nowhere")).train());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("FASHION_MNIST_DIR"), e.getMessage());
    }

    @Test
    void truncatedGzipFileIsRejected(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(DIR.resolve("t10k-images-idx3-ubyte.gz"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(whole, whole.length / 2));
        Files.copy(DIR.resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> new FashionMnist(dir).test());
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("7840000 bytes") && !e.getMessage().contains("only 0 bytes"), e.getMessage());

        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(whole, 5));
        InvalidDatasetException cutInHeader = assertThrows(InvalidDatasetException.class, () -> new FashionMnist(dir).test());
        assertTrue(cutInHeader.getMessage().contains("truncated"), cutInHeader.getMessage());
    }

    @Test
    void uncompressedFilesAreReadToo(@TempDir Path dir) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(
                Files.newInputStream(DIR.resolve("t10k-labels-idx1-ubyte.gz")))) {
            Files.copy(in, dir.resolve("t10k-labels-idx1-ubyte"));
        }
        Files.copy(DIR.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        LabeledImages fromPlain = new FashionMnist(dir).test();
        assertArrayEquals(test.labels(), fromPlain.labels());
    }
}
