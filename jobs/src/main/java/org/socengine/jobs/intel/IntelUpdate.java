package org.socengine.jobs.intel;

import org.socengine.connectors.intel.Indicator;

/**
 * One record of {@code soc.intel} as the detection job receives it: the indicator of a key, or none
 * (a tombstone) to delete it. Public fields and a no-argument constructor, for Flink's POJO
 * serializer.
 */
public class IntelUpdate {

    /** {@code kind:value}. */
    public String key;

    /** The indicator, or null to delete the key's. */
    public Indicator indicator;

    /** Why the record is not an indicator; set only on a refused record. */
    public String error;

    /** Where a refused record was, and its bytes, for the dead-letter topic. */
    public int partition;

    public long offset;
    public long kafkaTimestamp;
    public byte[] raw;

    public IntelUpdate() {}

    /** A record of {@code soc.intel} that is not an indicator. */
    public static IntelUpdate refused(
            String key, String error, int partition, long offset, long timestamp, byte[] raw) {
        IntelUpdate u = new IntelUpdate();
        u.key = key;
        u.error = error;
        u.partition = partition;
        u.offset = offset;
        u.kafkaTimestamp = timestamp;
        u.raw = raw;
        return u;
    }

    public static IntelUpdate put(Indicator i) {
        IntelUpdate u = new IntelUpdate();
        u.key = i.key();
        u.indicator = i;
        return u;
    }

    public static IntelUpdate delete(String key) {
        IntelUpdate u = new IntelUpdate();
        u.key = key;
        return u;
    }
}
