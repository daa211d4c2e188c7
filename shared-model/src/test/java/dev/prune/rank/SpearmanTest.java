package dev.prune.rank;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SpearmanTest {
    @Test
    void monotoneSeriesCorrelatePerfectly() {
        assertEquals(1.0, Spearman.correlation(new double[]{1, 2, 3, 4}, new double[]{10, 100, 1000, 10000}), 1e-12);
        assertEquals(-1.0, Spearman.correlation(new double[]{1, 2, 3, 4}, new double[]{4, 3, 2, 1}), 1e-12);
    }

    @Test
    void tiesGetAverageRanks() {
        assertArrayEquals(new double[]{1, 2.5, 2.5, 4}, Spearman.ranks(new double[]{0.1, 0.5, 0.5, 0.9}), 1e-12);
        // d = (-1, 1, -1, 1, 0), sum d^2 = 4, n = 5 -> 1 - 6*4/(5*24) = 0.8
        assertEquals(0.8, Spearman.correlation(new double[]{1, 2, 3, 4, 5}, new double[]{2, 1, 4, 3, 5}), 1e-12);
    }
}
