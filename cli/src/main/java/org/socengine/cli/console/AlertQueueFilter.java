package org.socengine.cli.console;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.socengine.model.AlertStatusChange;
import org.socengine.rules.RuleDefinition;

/**
 * What the alert queue shows, read from request parameters: every value is checked against its
 * allowed shape, and a wrong one is dropped (the filter then does not apply) rather than sent on to
 * Elasticsearch. The page of results is given by a search_after cursor, so the thousandth page
 * costs what the first does.
 */
public record AlertQueueFilter(
        String department,
        String severity,
        String status,
        String rule,
        String tactic,
        String range,
        Instant from,
        Instant to,
        String text,
        Cursor after,
        int size) {

    public static final List<String> RANGES = List.of("1h", "24h", "7d", "30d", "all");
    public static final String DEFAULT_RANGE = "7d";
    public static final int DEFAULT_SIZE = 50;

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N} ._:@/&()'-]{1,200}");

    /** The last alert of a page: its time and id, the sort keys of the queue. */
    public record Cursor(long millis, String id) {

        public String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            (millis + ":" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        static Cursor decode(String s) {
            if (s == null || s.isEmpty() || s.length() > 400) {
                return null;
            }
            try {
                String d =
                        new String(
                                Base64.getUrlDecoder().decode(s),
                                java.nio.charset.StandardCharsets.UTF_8);
                int i = d.indexOf(':');
                if (i < 1) {
                    return null;
                }
                String id = d.substring(i + 1);
                if (!id.matches("[A-Za-z0-9_.-]{1,200}")) {
                    return null;
                }
                return new Cursor(Long.parseLong(d.substring(0, i)), id);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    public static AlertQueueFilter from(Map<String, String> p, ZoneId zone) {
        String severity = oneOf(p.get("severity"), RuleDefinition.SEVERITIES);
        String status = oneOf(p.get("status"), AlertStatusChange.STATUSES);
        String range = oneOf(p.get("range"), RANGES);
        int size = DEFAULT_SIZE;
        try {
            if (p.get("size") != null) {
                size = Math.max(1, Math.min(500, Integer.parseInt(p.get("size"))));
            }
        } catch (NumberFormatException e) {
            size = DEFAULT_SIZE;
        }
        return new AlertQueueFilter(
                token(p.get("department")),
                severity,
                status,
                token(p.get("rule")),
                token(p.get("tactic")),
                range == null ? DEFAULT_RANGE : range,
                time(p.get("from"), zone),
                time(p.get("to"), zone),
                text(p.get("q")),
                Cursor.decode(p.get("after")),
                size);
    }

    /** The start of the time range: the later of the preset and "from". */
    public Instant since(Instant now) {
        Instant preset =
                switch (range == null ? DEFAULT_RANGE : range) {
                    case "1h" -> now.minus(Duration.ofHours(1));
                    case "24h" -> now.minus(Duration.ofHours(24));
                    case "7d" -> now.minus(Duration.ofDays(7));
                    case "30d" -> now.minus(Duration.ofDays(30));
                    default -> null;
                };
        if (from == null) {
            return preset;
        }
        return preset == null || from.isAfter(preset) ? from : preset;
    }

    public AlertQueueFilter withAfter(Cursor c) {
        return new AlertQueueFilter(
                department, severity, status, rule, tactic, range, from, to, text, c, size);
    }

    static String oneOf(String v, java.util.Collection<String> allowed) {
        return v != null && allowed.contains(v) ? v : null;
    }

    static String token(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String t = v.strip();
        return TOKEN.matcher(t).matches() ? t : null;
    }

    static String text(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String t = v.strip();
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    /** A datetime-local value ({@code 2026-12-03T08:30}) in the user's zone. */
    static Instant time(String v, ZoneId zone) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(v.strip()).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
