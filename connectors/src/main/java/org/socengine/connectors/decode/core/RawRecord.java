package org.socengine.connectors.decode.core;

import java.nio.charset.StandardCharsets;
import org.socengine.model.SocTopics;

/**
 * One record as a department's shipper sent it, with where it came from. Kept as bytes until a
 * decoder reads it, so that a record that is not valid text still reaches the dead-letter queue
 * intact.
 */
public class RawRecord {

    /**
     * The source format ({@code syslog}, {@code suricata}, ...), from the topic or configuration.
     */
    public String source;

    public String topic;
    public int partition;
    public long offset;

    /** Kafka's record timestamp (append or create time), epoch milliseconds. */
    public long kafkaTimestamp;

    /** The record key, which names the department when the shipper sets one. */
    public String key;

    /** The {@code department} header, when present (the last one, when there are several). */
    public String departmentHeader;

    /**
     * The record has several {@code department} headers that do not all agree: a tool that shows
     * the first would see another department than one that uses the last.
     */
    public boolean conflictingDepartmentHeaders;

    public byte[] value;

    public RawRecord() {}

    public static RawRecord of(String source, String line) {
        RawRecord r = new RawRecord();
        r.source = source;
        r.topic = SocTopics.raw(source);
        r.partition = -1;
        r.offset = -1;
        r.value = line.getBytes(StandardCharsets.UTF_8);
        return r;
    }

    /** Where the record came from, for dead letters and logs: {@code soc.raw.syslog/0@42}. */
    public String origin() {
        return topic + "/" + partition + "@" + offset;
    }
}
