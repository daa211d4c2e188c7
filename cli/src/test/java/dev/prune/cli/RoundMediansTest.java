package dev.prune.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RoundMediansTest {

    @Test
    void numbersBecomeTheirMedianAndNestedReportsAreFoldedToo() {
        Map<String, Object> r1 = Map.of("train_images_per_s", 500.0, "filters", List.of(32, 32), "torch_version", "1.13",
                "pruned", Map.of("latency_b1_ms", 1.0));
        Map<String, Object> r2 = Map.of("train_images_per_s", 900.0, "filters", List.of(32, 32), "torch_version", "1.13",
                "pruned", Map.of("latency_b1_ms", 4.0));
        Map<String, Object> r3 = Map.of("train_images_per_s", 600.0, "filters", List.of(32, 32), "torch_version", "1.13",
                "pruned", Map.of("latency_b1_ms", 1.5));
        Map<String, Object> folded = RoundMedians.of(List.of(r1, r2, r3));
        assertEquals(600.0, folded.get("train_images_per_s"));
        assertEquals(List.of(32, 32), folded.get("filters"));
        assertEquals("1.13", folded.get("torch_version"));
        assertEquals(Map.of("latency_b1_ms", 1.5), folded.get("pruned"));
    }

    @Test
    void oneRoundIsItself() {
        Map<String, Object> r = Map.of("peak_rss_mb", 450.0);
        assertEquals(r, RoundMedians.of(List.of(r)));
        assertThrows(IllegalArgumentException.class, () -> RoundMedians.of(List.of()));
    }
}
