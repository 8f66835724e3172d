package org.socengine.rules.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The curated functions a rule may call besides Esper's built-ins. Each is pure, bounded in the
 * work it does, and null-safe, because rules are written by admins, not trusted code.
 */
public final class RuleFunctions {

    /** EPL name to Java method name, registered as Esper plug-in single-row functions. */
    public static final Map<String, String> FUNCTIONS =
            Map.of(
                    "cidrmatch", "cidrMatch",
                    "entropy", "entropy",
                    "registered_domain", "registeredDomain",
                    "is_base64", "isBase64",
                    "strlen", "length",
                    "levenshtein", "levenshtein",
                    "label_max", "longestLabel",
                    "is_private_ip", "isPrivateIp");

    private static final int MAX_INPUT = 4096;
    private static final Map<String, int[]> CIDRS = new ConcurrentHashMap<>();
    private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/]{16,}={0,2}$");
    private static final Set<String> TWO_LEVEL_SUFFIXES =
            Set.of(
                    "gov.vn", "com.vn", "edu.vn", "org.vn", "net.vn", "co.uk", "org.uk", "ac.uk",
                    "com.au", "co.jp", "com.cn", "com.br", "co.in");

    private RuleFunctions() {}

    /** True when the IPv4 or IPv6 address lies in the CIDR block ({@code 10.0.0.0/8}). */
    public static boolean cidrMatch(String ip, String cidr) {
        if (ip == null || cidr == null) {
            return false;
        }
        byte[] addr = literal(ip);
        int slash = cidr.indexOf('/');
        byte[] net = literal(slash < 0 ? cidr : cidr.substring(0, slash));
        if (addr == null || net == null || addr.length != net.length) {
            return false;
        }
        int bits;
        try {
            bits = slash < 0 ? addr.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (bits < 0 || bits > addr.length * 8) {
            return false;
        }
        for (int i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((addr[i] & mask) != (net[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    public static boolean isPrivateIp(String ip) {
        return cidrMatch(ip, "10.0.0.0/8")
                || cidrMatch(ip, "172.16.0.0/12")
                || cidrMatch(ip, "192.168.0.0/16")
                || cidrMatch(ip, "127.0.0.0/8")
                || cidrMatch(ip, "fc00::/7");
    }

    /** Shannon entropy in bits per character. */
    public static double entropy(String s) {
        if (s == null || s.isEmpty()) {
            return 0.0;
        }
        String t = s.length() > MAX_INPUT ? s.substring(0, MAX_INPUT) : s;
        int[] counts = new int[65536];
        for (int i = 0; i < t.length(); i++) {
            counts[t.charAt(i)]++;
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / t.length();
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }

    /**
     * The registered domain ({@code evil.example.com -> example.com}, {@code a.b.gov.vn ->
     * b.gov.vn}).
     */
    public static String registeredDomain(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        String[] labels = n.split("\\.");
        if (labels.length <= 2) {
            return n;
        }
        String lastTwo = labels[labels.length - 2] + "." + labels[labels.length - 1];
        int keep = TWO_LEVEL_SUFFIXES.contains(lastTwo) ? 3 : 2;
        StringBuilder sb = new StringBuilder();
        for (int i = labels.length - keep; i < labels.length; i++) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(labels[i]);
        }
        return sb.toString();
    }

    /** The length of the longest label of a DNS name. */
    public static int longestLabel(String name) {
        if (name == null) {
            return 0;
        }
        int max = 0;
        int cur = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                cur = 0;
            } else {
                max = Math.max(max, ++cur);
            }
        }
        return max;
    }

    /** True when the text looks like base64 and decodes to mostly printable bytes. */
    public static boolean isBase64(String s) {
        if (s == null || s.length() > MAX_INPUT || !BASE64.matcher(s).matches()) {
            return false;
        }
        try {
            byte[] b = Base64.getDecoder().decode(s);
            String d = new String(b, StandardCharsets.ISO_8859_1);
            long printable = d.chars().filter(c -> c >= 0x20 && c < 0x7F).count();
            return printable >= 0.8 * d.length();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Edit distance, bounded to inputs of 256 characters. */
    public static int levenshtein(String a, String b) {
        if (a == null || b == null) {
            return Integer.MAX_VALUE;
        }
        String x = a.length() > 256 ? a.substring(0, 256) : a;
        String y = b.length() > 256 ? b.substring(0, 256) : b;
        int[] prev = new int[y.length() + 1];
        int[] cur = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length()];
    }

    // Parses only numeric literals: never a name lookup, so no DNS traffic from a rule.
    private static byte[] literal(String ip) {
        String s = ip.trim();
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        boolean v4 = s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        boolean v6 =
                s.indexOf(':') >= 0
                        && s.chars()
                                .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
