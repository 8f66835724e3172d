package org.socengine.connectors.intel;

import java.util.Arrays;

/**
 * A binary trie of address prefixes (IPv4 or IPv6 CIDR ranges): a lookup walks at most one node per
 * bit of the address and returns every range that contains it, longest first, whatever the number
 * of ranges. Nodes live in parallel int arrays, not objects: a million ranges cost a few arrays,
 * not millions of small objects for the collector to trace.
 */
final class PrefixTrie {

    private int[] zero = new int[1024];
    private int[] one = new int[1024];
    private Indicator[] value = new Indicator[1024];
    private int nodes = 1;
    private int size;

    /** The number of ranges held. */
    int size() {
        return size;
    }

    /** Puts a range; replaces the indicator of a range already held. */
    void put(byte[] address, int bits, Indicator indicator) {
        int node = 0;
        for (int i = 0; i < bits; i++) {
            boolean b = (address[i >> 3] & (0x80 >> (i & 7))) != 0;
            int next = b ? one[node] : zero[node];
            if (next == 0) {
                next = newNode();
                if (b) {
                    one[node] = next;
                } else {
                    zero[node] = next;
                }
            }
            node = next;
        }
        if (value[node] == null) {
            size++;
        }
        value[node] = indicator;
    }

    /** Removes a range; its nodes stay (a feed deletes rarely, and re-adds often). */
    void remove(byte[] address, int bits) {
        int node = 0;
        for (int i = 0; i < bits && node >= 0; i++) {
            boolean b = (address[i >> 3] & (0x80 >> (i & 7))) != 0;
            node = b ? one[node] : zero[node];
            if (node == 0) {
                return;
            }
        }
        if (value[node] != null) {
            value[node] = null;
            size--;
        }
    }

    /**
     * Every range containing the address, longest first, into {@code out} from index 0.
     *
     * @return how many were written (at most {@code out.length})
     */
    int match(byte[] address, int addressBits, Indicator[] out) {
        int found = 0;
        int node = 0;
        Indicator[] hits = out;
        for (int i = 0; ; i++) {
            Indicator v = value[node];
            if (v != null && found < hits.length) {
                hits[found++] = v;
            }
            if (i == addressBits) {
                break;
            }
            boolean b = (address[i >> 3] & (0x80 >> (i & 7))) != 0;
            node = b ? one[node] : zero[node];
            if (node == 0) {
                break;
            }
        }
        // Collected shortest first; the most specific range is the most telling.
        for (int l = 0, r = found - 1; l < r; l++, r--) {
            Indicator t = hits[l];
            hits[l] = hits[r];
            hits[r] = t;
        }
        return found;
    }

    /** The same for an IPv4 address as an unsigned 32-bit value. */
    int match(long ipv4, Indicator[] out) {
        int found = 0;
        int node = 0;
        for (int i = 0; ; i++) {
            Indicator v = value[node];
            if (v != null && found < out.length) {
                out[found++] = v;
            }
            if (i == 32) {
                break;
            }
            boolean b = ((ipv4 >>> (31 - i)) & 1) != 0;
            node = b ? one[node] : zero[node];
            if (node == 0) {
                break;
            }
        }
        for (int l = 0, r = found - 1; l < r; l++, r--) {
            Indicator t = out[l];
            out[l] = out[r];
            out[r] = t;
        }
        return found;
    }

    /** Bytes held by the node arrays (for the memory report). */
    long arrayBytes() {
        return (long) zero.length * 4 + (long) one.length * 4 + (long) value.length * 4;
    }

    private int newNode() {
        if (nodes == zero.length) {
            int n = zero.length * 2;
            zero = Arrays.copyOf(zero, n);
            one = Arrays.copyOf(one, n);
            value = Arrays.copyOf(value, n);
        }
        return nodes++;
    }
}
