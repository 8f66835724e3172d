package org.socengine.cli.bench;

/**
 * Kafka append time of every line the benchmark produced, by a 64-bit hash of the line's text: how
 * the alert sink finds when the newest evidence of an alert entered Kafka. Events carry their raw
 * text ({@code event.original}) but not their Kafka metadata, so the text is the join key. A
 * primitive open-addressing table: millions of lines cost 16 bytes each, not a boxed map entry.
 *
 * <p>One per JVM: the producer and the job's sink run in the same process in local mode.
 */
public final class AppendTimes {

    private static final AppendTimes INSTANCE = new AppendTimes();

    private long[] keys = new long[1 << 16];
    private long[] values = new long[1 << 16];
    private int size;

    public static AppendTimes get() {
        return INSTANCE;
    }

    public synchronized void clear(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        size = 0;
    }

    /** Keeps the first append time of a text: a repeated line is measured from its first copy. */
    public synchronized void putIfAbsent(String text, long appendTime) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(hash(text), appendTime);
    }

    /** The append time of a text, or -1 when the benchmark did not produce it. */
    public synchronized long appendTime(String text) {
        long h = hash(text);
        int mask = keys.length - 1;
        for (int i = (int) (h ^ (h >>> 32)) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == 0) {
                return -1;
            }
            if (keys[i] == h) {
                return values[i];
            }
        }
    }

    public synchronized int size() {
        return size;
    }

    private void insert(long h, long v) {
        int mask = keys.length - 1;
        for (int i = (int) (h ^ (h >>> 32)) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == 0) {
                keys[i] = h;
                values[i] = v;
                size++;
                return;
            }
            if (keys[i] == h) {
                return;
            }
        }
    }

    private void grow() {
        long[] k = keys;
        long[] v = values;
        keys = new long[k.length * 2];
        values = new long[k.length * 2];
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != 0) {
                insert(k[i], v[i]);
            }
        }
    }

    /** FNV-1a over the chars, never 0 (0 marks an empty slot). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }
}
