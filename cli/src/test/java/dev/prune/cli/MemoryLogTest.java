package dev.prune.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Growth per iteration from memory snapshots: the plain slope and the slope of the troughs. */
class MemoryLogTest {

    /** A sawtooth that climbs 20 MB per iteration and drops back every 5: bounded, though its slope is not 0. */
    @Test
    void aSawtoothWithFlatTroughsHasNoTroughGrowth() {
        List<MemoryLog.Snapshot> snapshots = new ArrayList<>();
        snapshots.add(new MemoryLog.Snapshot(0, Map.of("trainer", 200.0)));
        for (int i = 1; i <= 33; i++) {
            snapshots.add(new MemoryLog.Snapshot(i, Map.of("trainer", 500.0 + 20 * ((i - 1) % 5) + (i % 3))));
        }
        assertEquals(0.0, MemoryLog.troughGrowthPerIteration(snapshots).get("trainer"), 0.05);
        assertTrue(Math.abs(MemoryLog.growthPerIteration(snapshots).get("trainer")) < 1.0);
    }

    @Test
    void aLeakLiftsTheTroughs() {
        List<MemoryLog.Snapshot> snapshots = new ArrayList<>();
        for (int i = 0; i <= 30; i++) {
            snapshots.add(new MemoryLog.Snapshot(i, Map.of("ranker", 400.0 + 3 * i + 50 * (i % 4))));
        }
        assertEquals(3.0, MemoryLog.troughGrowthPerIteration(snapshots).get("ranker"), 0.8);
        assertEquals(3.0, MemoryLog.growthPerIteration(snapshots).get("ranker"), 0.8);
    }

    @Test
    void aProcessSeenOnlyAtTheEndIsLeftOut() {
        List<MemoryLog.Snapshot> snapshots = new ArrayList<>();
        for (int i = 0; i <= 12; i++) {
            snapshots.add(new MemoryLog.Snapshot(i, i < 12 ? Map.of("ranker", 400.0) : Map.of("ranker", 400.0, "late", 100.0)));
        }
        Map<String, Double> troughs = MemoryLog.troughGrowthPerIteration(snapshots);
        assertEquals(0.0, troughs.get("ranker"), 1e-9);
        assertTrue(!troughs.containsKey("late"));
    }

    @Test
    void shortRunsReportNoGrowth() {
        List<MemoryLog.Snapshot> snapshots = new ArrayList<>();
        for (int i = 0; i <= 9; i++) {
            snapshots.add(new MemoryLog.Snapshot(i, Map.of("surgeon", 300.0 + i)));
        }
        assertTrue(MemoryLog.troughGrowthPerIteration(snapshots).isEmpty());
        assertTrue(MemoryLog.growthPerIteration(snapshots.subList(0, 5)).isEmpty());
    }
}
