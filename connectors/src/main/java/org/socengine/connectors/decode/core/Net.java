package org.socengine.connectors.decode.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.socengine.connectors.enrich.Cidr;
import org.socengine.model.SecurityEvent;

/** Addresses, ports and protocol names as the sources write them, checked before they reach ECS. */
public final class Net {

    private static final String[] IANA = new String[256];

    static {
        IANA[1] = "icmp";
        IANA[2] = "igmp";
        IANA[6] = "tcp";
        IANA[17] = "udp";
        IANA[41] = "ipv6";
        IANA[47] = "gre";
        IANA[50] = "esp";
        IANA[51] = "ah";
        IANA[58] = "ipv6-icmp";
        IANA[89] = "ospf";
        IANA[112] = "vrrp";
        IANA[132] = "sctp";
    }

    private Net() {}

    /**
     * The IP literal in canonical text ({@code ::ffff:10.0.0.1} becomes {@code 10.0.0.1}), or null
     * when the text is not an IP literal. Never resolves a name.
     */
    public static String ip(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return null;
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (Cidr.ipv4(s) >= 0) {
            return s;
        }
        if (s.indexOf(':') < 0) {
            return null;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        char first = lower.charAt(0);
        if (!(first == ':' || (first >= '0' && first <= '9') || (first >= 'a' && first <= 'f'))) {
            // InetAddress treats only text starting like this as a literal; anything else it
            // would look up in DNS.
            return null;
        }
        if (lower.startsWith("::ffff:") && Cidr.ipv4(s.substring(7)) >= 0) {
            return s.substring(7);
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
            if (!ok) {
                return null;
            }
        }
        try {
            // Only hex digits, colons and dots reach this point: InetAddress parses the literal
            // and never asks DNS.
            InetAddress a = InetAddress.getByName(lower);
            return a instanceof java.net.Inet6Address
                    ? rfc5952(a.getHostAddress())
                    : a.getHostAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The RFC 5952 text of an IPv6 address from Java's full form, so that the same address from two
     * sources compares equal in a rule: the longest run of zero groups becomes {@code ::}.
     */
    static String rfc5952(String full) {
        int pct = full.indexOf('%');
        String zone = pct < 0 ? "" : full.substring(pct);
        String[] g = (pct < 0 ? full : full.substring(0, pct)).split(":");
        if (g.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < 8 && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            return String.join(":", g) + zone;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, 8));
        return head + "::" + tail + zone;
    }

    /** Sets ip (when the text is an IP literal, else address) and port of an endpoint. */
    public static void endpoint(SecurityEvent.Endpoint ep, String address, Integer port) {
        if (address != null && !address.isEmpty() && !address.equals("-")) {
            String ip = ip(address);
            if (ip != null) {
                ep.ip = ip;
            } else {
                ep.address = DecoderSupport.cap(address, 255);
            }
        }
        if (port != null && port >= 0 && port <= 65535) {
            ep.port = port;
        }
    }

    public static void source(SecurityEvent e, String address, Integer port) {
        if (address != null || port != null) {
            endpoint(e.ensureSource(), address, port);
        }
    }

    public static void destination(SecurityEvent e, String address, Integer port) {
        if (address != null || port != null) {
            endpoint(e.ensureDestination(), address, port);
        }
    }

    /** ECS {@code network.transport} from an IANA number or a name ({@code TCP}, {@code 6}). */
    public static String transport(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.chars().allMatch(Character::isDigit) && s.length() <= 3) {
            int n = Integer.parseInt(s);
            return n < 256 && IANA[n] != null ? IANA[n] : s;
        }
        String t = s.toLowerCase(Locale.ROOT);
        return t.equals("icmpv6") || t.equals("ipv6_icmp") ? "ipv6-icmp" : t;
    }
}
