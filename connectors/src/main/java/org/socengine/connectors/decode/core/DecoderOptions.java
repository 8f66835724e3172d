package org.socengine.connectors.decode.core;

import java.io.Serializable;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Settings shared by the decoders of one source.
 *
 * @param timeZone the zone of timestamps that carry none (RFC 3164 syslog, web logs), per source
 * @param maxRecordBytes records larger than this are dead-lettered as too large
 * @param maxOriginalBytes {@code event.original} is cut to this size
 * @param fixedYear the year of year-less timestamps; 0 to infer it (the latest year that does not
 *     put the event in the future of the record's Kafka timestamp)
 */
public record DecoderOptions(
        String timeZone, int maxRecordBytes, int maxOriginalBytes, int fixedYear)
        implements Serializable {

    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_ORIGINAL_BYTES = 16 * 1024;

    public static DecoderOptions defaults() {
        return new DecoderOptions("UTC", DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_ORIGINAL_BYTES, 0);
    }

    public DecoderOptions withTimeZone(String zone) {
        return new DecoderOptions(zone, maxRecordBytes, maxOriginalBytes, fixedYear);
    }

    public DecoderOptions withYear(int year) {
        return new DecoderOptions(timeZone, maxRecordBytes, maxOriginalBytes, year);
    }

    /**
     * Zones by name, made once: {@code ZoneId.of("UTC")} builds a new region and its rules at every
     * call, and the decoders ask for the zone of every record. The names come from the settings,
     * never from records, so the map stays small.
     */
    private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();

    public ZoneId zone() {
        return timeZone == null ? ZoneOffset.UTC : ZONES.computeIfAbsent(timeZone, ZoneId::of);
    }
}
