package dev.prune.surgery;

import dev.prune.rank.FilterRanking;
import dev.prune.rank.LayerRanks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
