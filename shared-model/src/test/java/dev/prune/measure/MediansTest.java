package dev.prune.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MediansTest {

    @Test
    void oddCountsTakeTheMiddleAndEvenCountsTheMiddlePairsMean() {
        double[] values = {4, 1, 3, 2};
        assertEquals(2.5, Medians.of(values));
        assertArrayEquals(new double[]{4, 1, 3, 2}, values, "the caller's array is left as it was");
        assertEquals(3.0, Medians.of(new double[]{9, 3, 1}));
        assertEquals(7.0, Medians.of(new double[]{7}));
        assertThrows(IllegalArgumentException.class, () -> Medians.of(new double[0]));
    }
}
