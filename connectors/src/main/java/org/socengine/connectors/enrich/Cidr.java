package org.socengine.connectors.enrich;

/** IPv4 CIDR membership without name lookups. */
public final class Cidr {

    private Cidr() {}

    public static boolean contains(String cidr, String ip) {
        int slash = cidr.indexOf('/');
        long net = ipv4(slash < 0 ? cidr : cidr.substring(0, slash));
        long addr = ipv4(ip);
        if (net < 0 || addr < 0) {
            return false;
        }
        int bits = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (net & mask) == (addr & mask);
    }

    /** The address as an unsigned 32-bit number, or -1 when it is not a dotted IPv4 literal. */
    public static long ipv4(String s) {
        if (s == null) {
            return -1;
        }
        long v = 0;
        int parts = 0;
        int cur = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (cur < 0 || cur > 255) {
                    return -1;
                }
                v = (v << 8) | cur;
                parts++;
                cur = -1;
            } else if (c >= '0' && c <= '9') {
                cur = (cur < 0 ? 0 : cur * 10) + (c - '0');
                if (cur > 255) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return parts == 4 ? v : -1;
    }
}
