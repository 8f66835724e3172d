package org.socengine.model;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ISO-8601 timestamps in UTC with millisecond precision, as ECS and Elasticsearch expect. */
public final class Timestamps {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    private Timestamps() {}

    public static String format(long epochMillis) {
        return ISO.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses an ISO instant ({@code 2026-11-25T08:00:00Z}); throws on anything else. */
    public static long parse(String iso) {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant: " + iso, e);
        }
    }
}
