package org.socengine.connectors.intel;

import java.util.Arrays;

/**
 * A binary trie of address prefixes (IPv4 or IPv6 CIDR ranges): a lookup walks at most one node per
 * bit of the address and returns every range that contains it, longest first, whatever the number
 * of ranges. Nodes live in one int array, three ints each (child for a 0 bit, child for a 1 bit,
 * slot of the range ending here), so a step of the walk touches one cache line, and a million
 * ranges cost a few arrays, not millions of small objects for the collector to trace.
 */
final class PrefixTrie {

    private static final int ZERO = 0;
    private static final int ONE = 1;
    private static final int SLOT = 2;
    private static final int WIDTH = 3;

    private int[] nodes = new int[WIDTH * 1024];
    private Indicator[] values = new Indicator[1024];
    private int nodeCount = 1;
    private int slotCount = 1;
    private int size;

    /** The number of ranges held. */
    int size() {
        return size;
    }

    /** Puts a range; replaces the indicator of a range already held. */
    void put(byte[] address, int bits, Indicator indicator) {
        int node = 0;
        for (int i = 0; i < bits; i++) {
            int side = (address[i >> 3] & (0x80 >> (i & 7))) != 0 ? ONE : ZERO;
            int next = nodes[node * WIDTH + side];
            if (next == 0) {
                next = newNode();
                nodes[node * WIDTH + side] = next;
            }
            node = next;
        }
        int slot = nodes[node * WIDTH + SLOT];
        if (slot == 0) {
            slot = newSlot();
            nodes[node * WIDTH + SLOT] = slot;
        }
        if (values[slot] == null) {
            size++;
        }
        values[slot] = indicator;
    }

    /** Removes a range; its nodes stay (a feed deletes rarely, and re-adds often). */
    void remove(byte[] address, int bits) {
        int node = 0;
        for (int i = 0; i < bits; i++) {
            int side = (address[i >> 3] & (0x80 >> (i & 7))) != 0 ? ONE : ZERO;
            node = nodes[node * WIDTH + side];
            if (node == 0) {
                return;
            }
        }
        int slot = nodes[node * WIDTH + SLOT];
        if (slot != 0 && values[slot] != null) {
            values[slot] = null;
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
        for (int i = 0; ; i++) {
            int base = node * WIDTH;
            int slot = nodes[base + SLOT];
            if (slot != 0 && values[slot] != null && found < out.length) {
                out[found++] = values[slot];
            }
            if (i == addressBits) {
                break;
            }
            node = nodes[base + ((address[i >> 3] & (0x80 >> (i & 7))) != 0 ? ONE : ZERO)];
            if (node == 0) {
                break;
            }
        }
        reverse(out, found);
        return found;
    }

    /** The same for an IPv4 address as an unsigned 32-bit value. */
    int match(long ipv4, Indicator[] out) {
        int found = 0;
        int node = 0;
        for (int i = 0; ; i++) {
            int base = node * WIDTH;
            int slot = nodes[base + SLOT];
            if (slot != 0 && values[slot] != null && found < out.length) {
                out[found++] = values[slot];
            }
            if (i == 32) {
                break;
            }
            node = nodes[base + (int) ((ipv4 >>> (31 - i)) & 1)];
            if (node == 0) {
                break;
            }
        }
        reverse(out, found);
        return found;
    }

    /** Collected shortest first; the most specific range is the most telling. */
    private static void reverse(Indicator[] a, int n) {
        for (int l = 0, r = n - 1; l < r; l++, r--) {
            Indicator t = a[l];
            a[l] = a[r];
            a[r] = t;
        }
    }

    /** Bytes held by the arrays (for the memory report). */
    long arrayBytes() {
        return (long) nodes.length * 4 + (long) values.length * 4;
    }

    private int newNode() {
        if ((nodeCount + 1) * WIDTH > nodes.length) {
            nodes = Arrays.copyOf(nodes, nodes.length * 2);
        }
        return nodeCount++;
    }

    private int newSlot() {
        if (slotCount == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        return slotCount++;
    }
}
