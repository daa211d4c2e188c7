package dev.prune.measure;

import dev.prune.infer.InferenceRuntime;
import dev.prune.net.ConvNet;
import dev.prune.testing.TinyNets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyMeterTest {

    @Test
    void pairedSpeedupReportsBothLatenciesAndTheirRatio() {
        ConvNet first = TinyNets.tiny(false, 1);
        ConvNet second = TinyNets.tiny(false, 2);
        for (InferenceRuntime runtime : InferenceRuntime.values()) {
            var speedup = LatencyMeter.pairedSpeedup(first, second, runtime, 4, 1, 0, 5);
            assertTrue(speedup.baseMillis() > 0 && speedup.smallerMillis() > 0, runtime + " " + speedup);
            assertTrue(Double.isFinite(speedup.speedup()) && speedup.speedup() > 0, runtime + " " + speedup);
            assertThrows(IllegalArgumentException.class,
                    () -> LatencyMeter.pairedSpeedup(first, second, runtime, 4, 0, 0, 0));
        }
    }
}
