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

    public IntelUpdate() {}

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
