package dev.prune.measure;

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
        var speedup = LatencyMeter.pairedSpeedup(first, second, 4, 1, 0, 5);
        assertTrue(speedup.baseMillis() > 0 && speedup.smallerMillis() > 0, speedup.toString());
        assertTrue(Double.isFinite(speedup.speedup()) && speedup.speedup() > 0, speedup.toString());
        assertThrows(IllegalArgumentException.class, () -> LatencyMeter.pairedSpeedup(first, second, 4, 0, 0, 0));
    }
}
