package dev.prune.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune.events.EventCodec;
import dev.prune.events.RunSpec;
import dev.prune.measure.ModelMetrics;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.LayerRanks;
import dev.prune.surgery.FilterSelector;
import dev.prune.surgery.TooManyFiltersException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stop rule's count of what can still go must be what the surgeon can actually cut. */
class EvaluateStageTest {
    private static RunSpec roundedTo(int roundTo) throws Exception {
        ObjectNode spec = EventCodec.json().valueToTree(RunSpec.defaults());
        spec.put("round_to", roundTo);
        return EventCodec.json().treeToValue(spec, RunSpec.class).validated();
    }

    @Test
    void removableFiltersFollowTheRunsRoundTo() throws Exception {
        Map<String, Integer> widths = new LinkedHashMap<>();
        widths.put("conv0", 17);
        widths.put("conv2", 32);
        widths.put("conv4", 12);
        var metrics = new ModelMetrics(0.9, 0.3, 1000, 1000, 1000, 1000, 1, 1, widths);
        assertEquals(16 + 31 + 11, EvaluateStage.removableFilters(metrics, RunSpec.defaults()));
        RunSpec rounded = roundedTo(16);
        int removable = EvaluateStage.removableFilters(metrics, rounded);
        assertEquals(1 + 16, removable, "17 -> 16, 32 -> 16, 12 is left alone");

        var ranking = new FilterRanking("taylor", 1, List.of(new LayerRanks("conv0", 0, new double[17]),
                new LayerRanks("conv2", 2, new double[32]), new LayerRanks("conv4", 4, new double[12])));
        assertEquals(removable, FilterSelector.lowest(ranking, removable, rounded.widthRule()).totalFilters());
        assertThrows(TooManyFiltersException.class, () -> FilterSelector.lowest(ranking, removable + 1, rounded.widthRule()));
    }
}
