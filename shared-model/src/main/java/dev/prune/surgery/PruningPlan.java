package dev.prune.surgery;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** The filters to remove, by conv layer index; filter indices refer to the network before the cut. */
public record PruningPlan(Map<Integer, int[]> removals) {
    public PruningPlan {
        var copy = new TreeMap<Integer, int[]>();
        removals.forEach((layer, filters) -> {
            int[] sorted = filters.clone();
            Arrays.sort(sorted);
            copy.put(layer, sorted);
        });
        removals = java.util.Collections.unmodifiableMap(copy);
    }

    public int totalFilters() {
        return removals.values().stream().mapToInt(f -> f.length).sum();
    }
}
