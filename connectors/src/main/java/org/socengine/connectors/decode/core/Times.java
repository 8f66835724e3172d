package org.socengine.connectors.decode.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timestamp shapes the sources write, read without locale surprises. Every failure is a {@link
 * DecodeException} with reason {@code bad_timestamp}, never a runtime exception.
 */
public final class Times {

    /** 1990-01-01: anything earlier is a clock that was never set, or a misread number. */
    private static final long MIN_MILLIS = 631_152_000_000L;

    /** 2200-01-01: anything later is garbage, not a clock. */
    private static final long MAX_MILLIS = 7_258_118_400_000L;

    private static final Pattern ISO_LIKE =
            Pattern.compile(
                    "^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?"
                            + "\\s*(Z|z|UTC|[+-]\\d{2}(?::?\\d{2})?)?$");
    private static final String[] MONTHS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
    };

    private Times() {}

    /**
     * ISO 8601 and its common variants: {@code T} or a space between date and time, fractions of up
     * to nanoseconds, offsets as {@code Z}, {@code +0100} or {@code +01:00}. Without an offset the
     * time is read in {@code zone}.
     */
    public static long iso(String text, ZoneId zone) throws DecodeException {
        if (text == null) {
            throw bad("missing timestamp");
        }
        Matcher m = ISO_LIKE.matcher(text.strip());
        if (!m.matches()) {
            throw bad("bad timestamp '" + DecoderSupport.cap(text, 64) + "'");
        }
        int nanos = 0;
        if (m.group(7) != null) {
            String f = (m.group(7) + "000000000").substring(0, 9);
            nanos = Integer.parseInt(f);
        }
        ZoneId z = zone;
        String off = m.group(8);
        if (off != null) {
            if (off.equalsIgnoreCase("Z") || off.equals("UTC")) {
                z = ZoneOffset.UTC;
            } else {
                String digits = off.substring(1).replace(":", "");
                int hours = Integer.parseInt(digits.substring(0, 2));
                int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
                int sign = off.charAt(0) == '-' ? -1 : 1;
                try {
                    z = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
                } catch (DateTimeException e) {
                    throw bad("bad time zone offset '" + off + "'");
                }
            }
        }
        return of(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                nanos,
                z);
    }

    /** A local date and time in a zone, checked for range. */
    public static long of(
            int year, int month, int day, int hour, int minute, int second, int nanos, ZoneId zone)
            throws DecodeException {
        try {
            long t =
                    LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                            .atZone(zone)
                            .toInstant()
                            .toEpochMilli();
            return checked(t);
        } catch (DateTimeException e) {
            throw bad("invalid date: " + e.getMessage());
        }
    }

    /**
     * Epoch time as a number in seconds (with fraction), milliseconds, microseconds or nanoseconds;
     * the unit is told by the magnitude, which is unambiguous for dates after 1990.
     */
    public static long epoch(double value) throws DecodeException {
        if (Double.isNaN(value) || value <= 0) {
            throw bad("bad epoch time " + value);
        }
        double millis;
        if (value < 1e11) {
            millis = value * 1000;
        } else if (value < 1e14) {
            millis = value;
        } else if (value < 1e17) {
            millis = value / 1000;
        } else {
            millis = value / 1_000_000;
        }
        return checked((long) millis);
    }

    /** Epoch time in text ({@code 1320279566.452687}). */
    public static long epoch(String text) throws DecodeException {
        if (text == null || text.isEmpty() || text.length() > 24) {
            throw bad("bad epoch time '" + DecoderSupport.cap(text, 32) + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                throw bad("bad epoch time '" + text + "'");
            }
        }
        try {
            return epoch(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw bad("bad epoch time '" + text + "'");
        }
    }

    /** Either an epoch number or an ISO-like text. */
    public static long any(String text, ZoneId zone) throws DecodeException {
        if (text != null && !text.isEmpty() && Character.isDigit(text.charAt(0))) {
            boolean numeric = text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
            if (numeric) {
                return epoch(text);
            }
        }
        return iso(text, zone);
    }

    /** The month number (1-12) of an English abbreviation, or -1. */
    public static int month(String abbreviation) {
        if (abbreviation == null || abbreviation.length() < 3) {
            return -1;
        }
        String a = abbreviation.substring(0, 3).toLowerCase(Locale.ROOT);
        for (int i = 0; i < 12; i++) {
            if (MONTHS[i].equals(a)) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * A year-less timestamp (RFC 3164 syslog, dnsmasq): the configured year, or else the latest
     * year that does not put the event more than a day after the record's Kafka timestamp (or now),
     * so that a December record read in January lands in December of last year.
     */
    public static long yearless(
            int month,
            int day,
            int hour,
            int minute,
            int second,
            int nanos,
            RawRecord record,
            DecoderOptions options)
            throws DecodeException {
        ZoneId zone = options.zone();
        if (options.fixedYear() > 0) {
            return of(options.fixedYear(), month, day, hour, minute, second, nanos, zone);
        }
        long reference =
                record != null && record.kafkaTimestamp > 0
                        ? record.kafkaTimestamp
                        : System.currentTimeMillis();
        int year = ZonedDateTime.ofInstant(Instant.ofEpochMilli(reference), zone).getYear();
        for (int y = year + 1; y >= year - 4; y--) {
            long t;
            try {
                t =
                        LocalDateTime.of(y, month, day, hour, minute, second, nanos)
                                .atZone(zone)
                                .toInstant()
                                .toEpochMilli();
            } catch (DateTimeException e) {
                // Feb 29 in a year without one: try the year before.
                continue;
            }
            if (t <= reference + 86_400_000L) {
                return checked(t);
            }
        }
        throw bad("no valid year for month " + month + " day " + day);
    }

    /**
     * The time to use when a record carries none of its own (a CEF event without {@code rt}): the
     * Kafka timestamp, which is when the shipper sent it.
     */
    public static long received(RawRecord record, String what) throws DecodeException {
        if (record.kafkaTimestamp > 0) {
            return record.kafkaTimestamp;
        }
        throw bad(what + " carries no timestamp and the record has no Kafka timestamp");
    }

    public static long checked(long millis) throws DecodeException {
        if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
            throw bad("timestamp " + Instant.ofEpochMilli(millis) + " is out of range");
        }
        return millis;
    }

    private static DecodeException bad(String message) {
        return new DecodeException(DecodeException.Reason.BAD_TIMESTAMP, message);
    }
}
