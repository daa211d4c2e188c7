package dev.prune.cli;

import dev.prune.error.PruningException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.function.Function;

/** How a command follows a run: when to give up on one that makes no progress. */
final class FollowOptions {
    static final String STALL_TIMEOUT_ENV = "PRUNING_STALL_TIMEOUT";

    @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up following (exit non-zero, the run goes on) when the run shows no new iteration, "
                    + "status or update for this long: 90s, 30m, 2h, a number of seconds; 0 = never "
                    + "(default: $PRUNING_STALL_TIMEOUT, else 30m)")
    Duration stallTimeout;

    Duration stallTimeout() {
        return stallTimeout(System::getenv);
    }

    /** The option, else {@value #STALL_TIMEOUT_ENV} from {@code environment}, else {@link RunFollower#DEFAULT_STALL_TIMEOUT}. */
    Duration stallTimeout(Function<String, String> environment) {
        if (stallTimeout != null) {
            return stallTimeout;
        }
        String value = environment.apply(STALL_TIMEOUT_ENV);
        if (value == null || value.isBlank()) {
            return RunFollower.DEFAULT_STALL_TIMEOUT;
        }
        try {
            return DurationConverter.parse(value);
        } catch (CommandLine.TypeConversionException e) {
            throw new PruningException(STALL_TIMEOUT_ENV + ": " + e.getMessage());
        }
    }
}
