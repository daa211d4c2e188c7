package dev.prune.cli;

import dev.prune.error.PruningException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FollowOptionsTest {

    @Test
    void theOptionComesBeforeTheVariableWhichComesBeforeTheDefault() {
        var options = new FollowOptions();
        assertEquals(Duration.ofMinutes(30), options.stallTimeout(Map.<String, String>of()::get));
        assertEquals(Duration.ofHours(2), options.stallTimeout(Map.of("PRUNING_STALL_TIMEOUT", "2h")::get));
        var start = new StartCommand();
        new CommandLine(start).parseArgs("--base", "b", "--stall-timeout", "90s");
        assertEquals(Duration.ofSeconds(90), start.follow.stallTimeout(Map.of("PRUNING_STALL_TIMEOUT", "2h")::get));
    }

    @Test
    void aBadVariableSaysWhichItIs() {
        var e = assertThrows(PruningException.class,
                () -> new FollowOptions().stallTimeout(Map.of("PRUNING_STALL_TIMEOUT", "soon")::get));
        assertTrue(e.getMessage().startsWith("PRUNING_STALL_TIMEOUT: 'soon' is not a duration"), e.getMessage());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("90"));
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("90s"));
        assertEquals(Duration.ofMinutes(30), DurationConverter.parse("30m"));
        assertEquals(Duration.ofMinutes(90), DurationConverter.parse("1h30m"));
        assertEquals(Duration.ofMinutes(30), DurationConverter.parse("PT30M"));
        assertEquals(Duration.ZERO, DurationConverter.parse("0"));
        assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse(""));
        assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("-5m"));
        assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("PT-5M"));
        assertEquals("45s", DurationConverter.format(Duration.ofSeconds(45)));
        assertEquals("10m", DurationConverter.format(Duration.ofMinutes(10)));
        assertEquals("12m 5s", DurationConverter.format(Duration.ofSeconds(725)));
        assertEquals("2h 0m", DurationConverter.format(Duration.ofHours(2)));
    }
}
