package dev.prune.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration on the command line: {@code 90} (seconds), {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m}, or ISO {@code PT30M}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern UNITS = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        if (text.startsWith("p")) {
            try {
                Duration duration = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (duration.isNegative()) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is negative");
                }
                return duration;
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 30m, 2h, PT30M)");
            }
        }
        Matcher m = UNITS.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 30m, 2h, 1h30m; "
                    + "a plain number is seconds)");
        }
        return Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
    }

    /** 45s, 12m 5s, 2h 0m (whole seconds). */
    static String format(Duration duration) {
        long s = duration.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
}
