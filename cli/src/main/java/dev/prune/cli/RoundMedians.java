package dev.prune.cli;

import dev.prune.measure.Medians;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the figures of several benchmark rounds into one report: each number becomes its median over the
 * rounds, nested reports are folded the same way, anything else (names, filter lists) is taken from the
 * first round. On a shared machine one round's figures move by 20-30 %; the median of alternating rounds
 * moves much less.
 */
final class RoundMedians {
    private RoundMedians() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(List<Map<String, Object>> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no rounds to fold");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (var entry : rounds.get(0).entrySet()) {
            String key = entry.getKey();
            List<Object> values = new ArrayList<>();
            for (Map<String, Object> round : rounds) {
                values.add(round.get(key));
            }
            if (values.stream().allMatch(v -> v instanceof Number)) {
                out.put(key, Medians.of(values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray()));
            } else if (values.stream().allMatch(v -> v instanceof Map)) {
                out.put(key, of(values.stream().map(v -> (Map<String, Object>) v).toList()));
            } else {
                out.put(key, entry.getValue());
            }
        }
        return out;
    }
}
