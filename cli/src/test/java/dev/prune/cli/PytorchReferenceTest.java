package dev.prune.cli;

import dev.prune.data.FashionMnist;
import dev.prune.error.PruningException;
import dev.prune.measure.MeasureSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The PyTorch side of the throughput benchmark and the ratios made from it. */
class PytorchReferenceTest {

    @Test
    void ratiosAreOursOverTheirs() {
        Map<String, Object> ours = Map.of("train_images_per_s", 500.0, "rank_images_per_s", 400.0,
                "latency_b1_ms", 2.0, "latency_b64_ms", 20.0, "peak_rss_mb", 400.0);
        Map<String, Object> theirs = Map.of("train_images_per_s", 1000.0, "rank_images_per_s", 400.0,
                "latency_b1_ms", 4.0, "latency_b64_ms", 10.0, "peak_rss_mb", 800.0);
        assertEquals(Map.of("train_images_per_s", 0.5, "rank_images_per_s", 1.0, "latency_b1_ms", 0.5,
                "latency_b64_ms", 2.0, "peak_rss_mb", 0.5), ThroughputCommand.ratios(ours, theirs));
    }

    @Test
    void aCheckoutWithoutTheScriptIsRefusedWithTheReason(@TempDir Path home) {
        var e = assertThrows(PruningException.class, () -> PytorchReference.find(home));
        assertTrue(e.getMessage().contains("tools/pytorch_throughput.py"), e.getMessage());
    }

    /** Runs only where some python3 has PyTorch (Debian: python3-torch) and Fashion-MNIST is installed. */
    @Test
    void measuresTheSameNetworksInPytorch() throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(FashionMnist.defaultDirectory()), "Fashion-MNIST not installed");
        PytorchReference pytorch;
        try {
            pytorch = PytorchReference.find(home);
        } catch (PruningException e) {
            assumeTrue(false, e.getMessage());
            return;
        }
        Map<String, Object> report = pytorch.measure(FashionMnist.defaultDirectory(), 16, 2, MeasureSettings.quick(), true,
                List.of(8, 8, 16, 16), List.of(4, 6, 8, 12));
        assertEquals(List.of(8, 8, 16, 16), report.get("filters"));
        @SuppressWarnings("unchecked")
        Map<String, Object> pruned = (Map<String, Object>) report.get("pruned");
        assertEquals(List.of(4, 6, 8, 12), pruned.get("filters"));
        for (String key : List.of("train_images_per_s", "rank_images_per_s", "latency_b1_ms", "latency_b64_ms", "peak_rss_mb")) {
            assertTrue(((Number) report.get(key)).doubleValue() > 0, key);
            assertTrue(((Number) pruned.get(key)).doubleValue() > 0, key);
        }
    }
}
