package dev.prune.surgery;

import dev.prune.rank.FilterRanking;
import dev.prune.rank.LayerRanks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterSelectorTest {
    private final FilterRanking ranking = new FilterRanking("taylor", 10, List.of(
            new LayerRanks("conv1", 0, new double[]{0.01, 0.02, 0.9}),
            new LayerRanks("conv2", 2, new double[]{0.5, 0.03, 0.04, 0.6})));

    @Test
    void takesTheLowestScoresAcrossLayers() {
        PruningPlan plan = FilterSelector.lowest(ranking, 3, 1);
        assertArrayEquals(new int[]{0, 1}, plan.removals().get(0));
        assertArrayEquals(new int[]{1}, plan.removals().get(2));
    }

    @Test
    void neverTakesTheLastFilterOfALayer() {
        var oneLayerLow = new FilterRanking("taylor", 1, List.of(
                new LayerRanks("conv1", 0, new double[]{0.01, 0.02}),
                new LayerRanks("conv2", 2, new double[]{0.5, 0.6, 0.7})));
        PruningPlan plan = FilterSelector.lowest(oneLayerLow, 2, 1);
        assertEquals(1, plan.removals().get(0).length);
        assertArrayEquals(new int[]{0}, plan.removals().get(2));
    }

    @Test
    void refusesMoreThanTheNetworkCanGive() {
        var e = assertThrows(TooManyFiltersException.class, () -> FilterSelector.lowest(ranking, 6, 1));
        assertTrue(e.getMessage().contains("only 5"), e.getMessage());
        assertThrows(dev.prune.error.PruningException.class, () -> FilterSelector.lowest(ranking, 0, 1));
    }

    private static LayerRanks layer(int index, double... scores) {
        return new LayerRanks("conv" + index, index, scores);
    }

    /** Scores 0..1 in a shuffled order, so the lowest-ranked filters are not simply the first ones. */
    private static double[] shuffledScores(int width, long seed) {
        var random = new Random(seed);
        return IntStream.range(0, width).mapToDouble(k -> random.nextDouble()).toArray();
    }

    private static int widthAfter(FilterRanking ranking, PruningPlan plan, int layerIndex) {
        int width = ranking.layers().stream().filter(l -> l.layerIndex() == layerIndex).findFirst().orElseThrow().scores().length;
        int[] removed = plan.removals().get(layerIndex);
        return width - (removed == null ? 0 : removed.length);
    }

    @Test
    void roundedCutsLeaveEveryLayerAMultipleOfRoundTo() {
        var uneven = new FilterRanking("taylor", 1, List.of(layer(0, shuffledScores(32, 1)), layer(1, shuffledScores(21, 2)),
                layer(3, shuffledScores(48, 3)), layer(4, shuffledScores(13, 4))));
        for (int count : new int[]{1, 7, 30, 50}) {
            PruningPlan plan = FilterSelector.lowest(uneven, count, new WidthRule(1, 8));
            assertTrue(plan.totalFilters() >= count, count + " asked, " + plan.totalFilters() + " removed");
            for (LayerRanks l : uneven.layers()) {
                int width = widthAfter(uneven, plan, l.layerIndex());
                assertTrue(width % 8 == 0 || width == l.scores().length, l.layer() + " left at " + width + " after " + count);
            }
        }
    }

    @Test
    void aWidthOffTheMultipleFirstDropsToItWithItsLowestFilters() {
        double[] scores = {0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.95, 0.6, 0.85, 0.4};
        var ten = new FilterRanking("taylor", 1, List.of(layer(0, scores)));
        PruningPlan plan = FilterSelector.lowest(ten, 1, new WidthRule(1, 4));
        assertArrayEquals(new int[]{1, 3}, plan.removals().get(0), "10 comes down to 8 by its two lowest filters");
        plan = FilterSelector.lowest(ten, 3, new WidthRule(1, 4));
        assertEquals(6, plan.totalFilters());
        assertArrayEquals(new int[]{1, 3, 4, 5, 7, 9}, plan.removals().get(0), "then by its four lowest: 10 -> 8 -> 4");
    }

    @Test
    void aCountBelowRoundToStillRemovesOneWholeBlock() {
        var even = new FilterRanking("taylor", 1, List.of(layer(0, shuffledScores(32, 5)), layer(1, shuffledScores(32, 6))));
        PruningPlan plan = FilterSelector.lowest(even, 1, new WidthRule(1, 16));
        assertEquals(16, plan.totalFilters());
        assertEquals(1, plan.removals().size());
    }

    @Test
    void picksTheBlockWithTheLowestMeanNotTheLowestSingleFilter() {
        double[] oneLowManyHigh = new double[16];
        java.util.Arrays.fill(oneLowManyHigh, 0.9);
        oneLowManyHigh[5] = 0.0;
        double[] allMiddling = new double[16];
        java.util.Arrays.fill(allMiddling, 0.5);
        var ranking = new FilterRanking("taylor", 1, List.of(layer(0, oneLowManyHigh), layer(2, allMiddling)));

        assertArrayEquals(new int[]{5}, FilterSelector.lowest(ranking, 1, 1).removals().get(0), "filter by filter: the 0.0 goes");
        PruningPlan plan = FilterSelector.lowest(ranking, 8, new WidthRule(1, 8));
        assertNull(plan.removals().get(0), "a block of 8 from conv0 costs (0 + 7 * 0.9) / 8 = 0.79, more than conv2's 0.5");
        assertEquals(8, plan.removals().get(2).length);

        // blocks of different sizes compare by mean, not by sum: 16 filters of 0.1 go before a single 0.6
        double[] lowButWide = new double[32];
        java.util.Arrays.fill(lowButWide, 0.1);
        double[] oneOff = new double[17];
        java.util.Arrays.fill(oneOff, 0.6);
        var sizes = new FilterRanking("taylor", 1, List.of(layer(0, oneOff), layer(1, lowButWide)));
        plan = FilterSelector.lowest(sizes, 1, new WidthRule(1, 16));
        assertNull(plan.removals().get(0));
        assertEquals(16, plan.removals().get(1).length);
    }

    @Test
    void neverGoesBelowMinPerLayerOrRoundToAndLeavesNarrowLayersAlone() {
        var ranking = new FilterRanking("taylor", 1, List.of(layer(0, shuffledScores(40, 7)), layer(1, shuffledScores(30, 8))));
        PruningPlan plan = FilterSelector.lowest(ranking, 22, new WidthRule(20, 8));
        assertEquals(24, widthAfter(ranking, plan, 0), "40 -> 32 -> 24; 16 would be below 20");
        assertEquals(24, widthAfter(ranking, plan, 1), "30 -> 24; 16 would be below 20");

        var narrow = new FilterRanking("taylor", 1, List.of(layer(0, 0.0, 0.0, 0.0, 0.0, 0.0), layer(1, shuffledScores(32, 9))));
        plan = FilterSelector.lowest(narrow, 16, new WidthRule(1, 16));
        assertNull(plan.removals().get(0), "5 filters cannot be rounded to 16: left alone however low they rank");
        assertEquals(16, widthAfter(narrow, plan, 1), "32 -> 16, never below round_to");
    }

    @Test
    void refusesMoreThanTheRoundedLayersCanGiveAndSaysWhatToDo() {
        var ranking = new FilterRanking("taylor", 1, List.of(layer(0, shuffledScores(40, 10)), layer(1, shuffledScores(30, 11))));
        var e = assertThrows(TooManyFiltersException.class, () -> FilterSelector.lowest(ranking, 23, new WidthRule(20, 8)));
        assertTrue(e.getMessage().contains("only 22 can go"), e.getMessage());
        assertTrue(e.getMessage().contains("ask for fewer or a smaller round_to"), e.getMessage());
        var zero = assertThrows(dev.prune.error.PruningException.class, () -> new WidthRule(1, 0));
        assertTrue(zero.getMessage().startsWith("round_to must be >= 1"), zero.getMessage());
    }

    @Test
    void roundToOneTakesFiltersInTheRankingsAscendingOrderTiesIncluded() {
        var random = new Random(12);
        for (int trial = 0; trial < 200; trial++) {
            List<LayerRanks> layers = new ArrayList<>();
            for (int l = 0; l < 1 + random.nextInt(5); l++) {
                // few distinct values, so ties across and within layers are common
                layers.add(layer(2 * l, random.ints(1 + random.nextInt(12), 0, 4).mapToDouble(v -> v / 4.0).toArray()));
            }
            var ranking = new FilterRanking("taylor", 1, layers);
            int minPerLayer = 1 + random.nextInt(3);
            int removable = layers.stream().mapToInt(l -> Math.max(0, l.scores().length - minPerLayer)).sum();
            if (removable == 0) {
                continue;
            }
            int count = 1 + random.nextInt(removable);
            PruningPlan plan = FilterSelector.lowest(ranking, count, minPerLayer);
            assertEquals(ascendingOrder(ranking, count, minPerLayer).keySet(), plan.removals().keySet());
            ascendingOrder(ranking, count, minPerLayer).forEach((layer, filters) ->
                    assertArrayEquals(filters.stream().mapToInt(Integer::intValue).sorted().toArray(), plan.removals().get(layer)));
        }
    }

    /** The selection before round_to existed: walk ascending(), skipping layers at their floor. */
    private static Map<Integer, List<Integer>> ascendingOrder(FilterRanking ranking, int count, int minPerLayer) {
        Map<Integer, Integer> left = new HashMap<>();
        ranking.layers().forEach(l -> left.put(l.layerIndex(), l.scores().length));
        Map<Integer, List<Integer>> chosen = new HashMap<>();
        int taken = 0;
        for (var filter : ranking.ascending()) {
            if (taken < count && left.get(filter.layerIndex()) > minPerLayer) {
                left.merge(filter.layerIndex(), -1, Integer::sum);
                chosen.computeIfAbsent(filter.layerIndex(), k -> new ArrayList<>()).add(filter.filter());
                taken++;
            }
        }
        return chosen;
    }
}
