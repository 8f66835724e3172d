package org.socengine.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as admins write them: {@code 90s}, {@code 2m}, {@code 10 min}, {@code 1h}, {@code 1d}.
 */
public final class Durations {

    private static final Pattern FORMAT =
            Pattern.compile(
                    "\\s*(\\d+)\\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)\\s*");

    private Durations() {}

    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing duration");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "not a duration: '" + text + "' (write 90s, 10m, 1h or 1d)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit.equals("ms")) {
            return Duration.ofMillis(n);
        }
        return switch (unit.charAt(0)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
