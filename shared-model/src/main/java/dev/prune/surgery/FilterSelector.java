package dev.prune.surgery;

import dev.prune.error.PruningException;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.LayerRanks;
import dev.prune.rank.RankedFilter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Picks the lowest-ranked filters of all layers together, never emptying a layer. */
public final class FilterSelector {
    private FilterSelector() {
    }

    /**
     * @param count          filters to remove in this cut
     * @param minPerLayer    filters every layer keeps at least (1 = never the last one)
     */
    public static PruningPlan lowest(FilterRanking ranking, int count, int minPerLayer) {
        if (count <= 0) {
            throw new PruningException("filters to remove must be positive, got " + count);
        }
        if (minPerLayer < 1) {
            throw new PruningException("every layer must keep at least 1 filter, got minPerLayer=" + minPerLayer);
        }
        Map<Integer, Integer> left = new HashMap<>();
        int removable = 0;
        for (LayerRanks layer : ranking.layers()) {
            left.put(layer.layerIndex(), layer.scores().length);
            removable += Math.max(0, layer.scores().length - minPerLayer);
        }
        if (count > removable) {
            throw new TooManyFiltersException("cannot remove " + count + " filters: only " + removable
                    + " can go while every layer keeps at least " + minPerLayer + "; ask for fewer");
        }
        Map<Integer, List<Integer>> chosen = new HashMap<>();
        int taken = 0;
        for (RankedFilter filter : ranking.ascending()) {
            if (taken == count) {
                break;
            }
            int remaining = left.get(filter.layerIndex());
            if (remaining > minPerLayer) {
                left.put(filter.layerIndex(), remaining - 1);
                chosen.computeIfAbsent(filter.layerIndex(), k -> new ArrayList<>()).add(filter.filter());
                taken++;
            }
        }
        Map<Integer, int[]> removals = new HashMap<>();
        chosen.forEach((layer, filters) -> removals.put(layer, filters.stream().mapToInt(Integer::intValue).toArray()));
        return new PruningPlan(removals);
    }
}
