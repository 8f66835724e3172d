package org.socengine.connectors.intel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.socengine.model.Json;

/**
 * One indicator of compromise: a value of a {@link IndicatorKind}, where it comes from, how much
 * the source trusts it, when it was seen and until when it holds. The value is always canonical
 * ({@link #normalize}); its key on {@code soc.intel} is {@code kind:value}.
 *
 * <p>A plain class with public fields and a no-argument constructor so that Flink keeps it in
 * broadcast state with its POJO serializer.
 */
public final class Indicator implements Serializable {

    private static final long serialVersionUID = 1L;

    public IndicatorKind kind;
    public String value;
    public String source;

    /** 0 to 100. */
    public int confidence;

    /** Epoch milliseconds, 0 when unknown. */
    public long firstSeen;

    public long lastSeen;

    /** Event time from which the indicator no longer matches (epoch ms); 0: never expires. */
    public long validUntil;

    /** A new indicator marked so is looked for in the retained raw topics (retro-hunt). */
    public boolean hunt;

    public String description;

    public Indicator() {}

    public static Indicator of(IndicatorKind kind, String value, String source, int confidence) {
        Indicator i = new Indicator();
        i.kind = kind;
        i.value = normalize(kind, value);
        i.source = source;
        i.confidence = confidence;
        return i;
    }

    /** The record key on {@code soc.intel}: {@code kind:value}. */
    public String key() {
        return key(kind, value);
    }

    public static String key(IndicatorKind kind, String value) {
        return kind.id() + ":" + value;
    }

    /** True when the indicator no longer matches an event of that time. */
    public boolean expiredAt(long eventTime) {
        return validUntil > 0 && eventTime >= validUntil;
    }

    // ---- canonical values ----

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern DOMAIN_NAME =
            Pattern.compile(
                    "([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?");
    private static final Pattern EMAIL_ADDRESS = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /**
     * The canonical form of a value of a kind.
     *
     * @throws IllegalArgumentException with the reason when the value is not one of that kind
     */
    public static String normalize(IndicatorKind kind, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("empty " + kind.id() + " value");
        }
        String v = raw.strip();
        switch (kind) {
            case IP -> {
                String n = Addresses.canonicalRange(v);
                if (n == null) {
                    throw new IllegalArgumentException(
                            "'" + v + "' is not an IPv4 or IPv6 address or CIDR range");
                }
                return n;
            }
            case DOMAIN -> {
                String d = Addresses.domain(v);
                if (d == null || !DOMAIN_NAME.matcher(d).matches()) {
                    throw new IllegalArgumentException("'" + v + "' is not a domain name");
                }
                return d;
            }
            case URL -> {
                String u = Addresses.url(v, null);
                if (u == null) {
                    throw new IllegalArgumentException("'" + v + "' is not a URL");
                }
                return u;
            }
            case MD5, SHA1, SHA256 -> {
                String h = v.toLowerCase(Locale.ROOT);
                Pattern p =
                        kind == IndicatorKind.MD5
                                ? HEX32
                                : kind == IndicatorKind.SHA1 ? HEX40 : HEX64;
                if (!p.matcher(h).matches()) {
                    throw new IllegalArgumentException(
                            "'" + v + "' is not a " + kind.id().toUpperCase(Locale.ROOT) + " hash");
                }
                return h;
            }
            case EMAIL -> {
                String e = v.toLowerCase(Locale.ROOT);
                if (e.startsWith("mailto:")) {
                    e = e.substring(7);
                }
                if (!EMAIL_ADDRESS.matcher(e).matches()) {
                    throw new IllegalArgumentException("'" + v + "' is not an e-mail address");
                }
                return e;
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    // ---- JSON on soc.intel ----

    public String toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("type", kind.id());
        n.put("value", value);
        if (source != null) n.put("source", source);
        n.put("confidence", confidence);
        if (firstSeen > 0) n.put("first_seen", Instant.ofEpochMilli(firstSeen).toString());
        if (lastSeen > 0) n.put("last_seen", Instant.ofEpochMilli(lastSeen).toString());
        if (validUntil > 0) n.put("valid_until", Instant.ofEpochMilli(validUntil).toString());
        if (hunt) n.put("hunt", true);
        if (description != null) n.put("description", description);
        return n.toString();
    }

    /**
     * Reads an indicator written by {@link #toJson}.
     *
     * @throws IOException when it is not one
     */
    public static Indicator fromJson(String json) throws IOException {
        JsonNode n = Json.mapper().readTree(json);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        IndicatorKind kind = IndicatorKind.named(n.path("type").asText(null));
        if (kind == null) {
            throw new IOException("unknown indicator type '" + n.path("type").asText("") + "'");
        }
        Indicator i = new Indicator();
        i.kind = kind;
        try {
            i.value = normalize(kind, n.path("value").asText(null));
            i.firstSeen = time(n.path("first_seen").asText(null));
            i.lastSeen = time(n.path("last_seen").asText(null));
            i.validUntil = time(n.path("valid_until").asText(null));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        i.source = n.path("source").asText(null);
        i.confidence = n.path("confidence").asInt(50);
        i.hunt = n.path("hunt").asBoolean(false);
        i.description = n.path("description").asText(null);
        return i;
    }

    /** ISO-8601 instant or date, or epoch seconds; 0 for none. */
    static long time(String s) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        String t = s.strip();
        try {
            if (t.matches("\\d{9,10}")) {
                return Long.parseLong(t) * 1000;
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return java.time.LocalDate.parse(t)
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) {
                t = t.replace(' ', 'T') + "Z";
            }
            return java.time.OffsetDateTime.parse(t.replace(' ', 'T')).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "'" + s + "' is not a time (ISO-8601 or epoch seconds)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Indicator i
                && kind == i.kind
                && Objects.equals(value, i.value)
                && Objects.equals(source, i.source)
                && confidence == i.confidence
                && firstSeen == i.firstSeen
                && lastSeen == i.lastSeen
                && validUntil == i.validUntil
                && hunt == i.hunt
                && Objects.equals(description, i.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, value, source, confidence, validUntil);
    }

    @Override
    public String toString() {
        return key() + " (" + source + ", " + confidence + ")";
    }

    /** Address parsing shared by indicators and the matcher: canonical text forms, no DNS. */
    static final class Addresses {
        private Addresses() {}

        /** IPv4 as an unsigned 32-bit value, or -1. Only the dotted-quad form. */
        static long ipv4(String s) {
            int len = s.length();
            if (len < 7 || len > 15) {
                return -1;
            }
            long addr = 0;
            int octet = -1;
            int dots = 0;
            for (int i = 0; i < len; i++) {
                char c = s.charAt(i);
                if (c >= '0' && c <= '9') {
                    octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                    if (octet > 255) {
                        return -1;
                    }
                } else if (c == '.' && octet >= 0 && dots < 3) {
                    addr = addr << 8 | octet;
                    octet = -1;
                    dots++;
                } else {
                    return -1;
                }
            }
            if (dots != 3 || octet < 0) {
                return -1;
            }
            return addr << 8 | octet;
        }

        /** The 16 bytes of an IPv6 literal, or null. Never resolves a name. */
        static byte[] ipv6(String s) {
            if (s.indexOf(':') < 0 || s.length() > 45) {
                return null;
            }
            String t = s;
            int pct = t.indexOf('%');
            if (pct >= 0) {
                t = t.substring(0, pct);
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                t = t.substring(1, t.length() - 1);
            }
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                boolean ok =
                        (c >= '0' && c <= '9')
                                || (c >= 'a' && c <= 'f')
                                || (c >= 'A' && c <= 'F')
                                || c == ':'
                                || c == '.';
                if (!ok) {
                    return null;
                }
            }
            try {
                // A literal with ':' is parsed, never looked up.
                byte[] b = InetAddress.getByName(t).getAddress();
                if (b.length == 4) {
                    // ::ffff:1.2.3.4 — an IPv4 address in IPv6 clothing.
                    return null;
                }
                return b;
            } catch (UnknownHostException e) {
                return null;
            }
        }

        /** The canonical text of an IPv6 address: lower case, no leading zeros, no compression. */
        static String ipv6Text(byte[] b) {
            StringBuilder sb = new StringBuilder(39);
            for (int i = 0; i < 16; i += 2) {
                if (i > 0) {
                    sb.append(':');
                }
                sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
            }
            return sb.toString();
        }

        static String ipv4Text(long a) {
            return ((a >>> 24) & 255)
                    + "."
                    + ((a >>> 16) & 255)
                    + "."
                    + ((a >>> 8) & 255)
                    + "."
                    + (a & 255);
        }

        /** The canonical form of an address (IPv4 or IPv6), or null when it is none. */
        static String canonicalAddress(String s) {
            long v4 = ipv4(s);
            if (v4 >= 0) {
                return s;
            }
            byte[] v6 = ipv6(s);
            if (v6 != null) {
                return ipv6Text(v6);
            }
            if (s.startsWith("::ffff:")) {
                long mapped = ipv4(s.substring(7));
                return mapped >= 0 ? ipv4Text(mapped) : null;
            }
            return null;
        }

        /**
         * An address or CIDR range in canonical form: an address alone ({@code 1.2.3.4}, a /32 or
         * /128 is written so), a range with its network address ({@code 10.0.0.0/8}); null when
         * invalid, or when the range has host bits set (a typo more often than an intent).
         */
        static String canonicalRange(String s) {
            int slash = s.indexOf('/');
            if (slash < 0) {
                long v4 = ipv4(s);
                if (v4 >= 0) {
                    return ipv4Text(v4);
                }
                return canonicalAddress(s);
            }
            int bits;
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            String addr = s.substring(0, slash);
            long v4 = ipv4(addr);
            if (v4 >= 0) {
                if (bits < 0 || bits > 32) {
                    return null;
                }
                long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
                if ((v4 & mask) != v4) {
                    return null;
                }
                return bits == 32 ? ipv4Text(v4) : ipv4Text(v4) + "/" + bits;
            }
            byte[] v6 = ipv6(addr);
            if (v6 == null || bits < 0 || bits > 128) {
                return null;
            }
            for (int i = bits; i < 128; i++) {
                if ((v6[i >> 3] & (0x80 >> (i & 7))) != 0) {
                    return null;
                }
            }
            return bits == 128 ? ipv6Text(v6) : ipv6Text(v6) + "/" + bits;
        }

        /**
         * A domain name in lower case without a trailing dot or a leading {@code *.}; null if
         * empty.
         */
        static String domain(String s) {
            String d = s.strip().toLowerCase(Locale.ROOT);
            if (d.startsWith("*.")) {
                d = d.substring(2);
            }
            while (d.endsWith(".")) {
                d = d.substring(0, d.length() - 1);
            }
            return d.isEmpty() ? null : d;
        }

        /**
         * A URL without scheme, with its host in lower case, default port and fragment dropped:
         * {@code HTTP://Evil.Example:80/a?b#c} is {@code evil.example/a?b}. A URL without a host
         * takes {@code host} (the event's {@code url.domain}); null when there is none.
         */
        static String url(String raw, String host) {
            String u = raw.strip();
            int hash = u.indexOf('#');
            if (hash >= 0) {
                u = u.substring(0, hash);
            }
            int scheme = u.indexOf("://");
            String rest;
            if (scheme > 0 && scheme < 10) {
                rest = u.substring(scheme + 3);
            } else if (u.startsWith("/")) {
                if (host == null || host.isEmpty()) {
                    return null;
                }
                rest = host + u;
            } else {
                rest = u;
            }
            int slash = rest.indexOf('/');
            int q = rest.indexOf('?');
            int end =
                    slash < 0 ? (q < 0 ? rest.length() : q) : (q < 0 ? slash : Math.min(slash, q));
            String authority = rest.substring(0, end).toLowerCase(Locale.ROOT);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                authority = authority.substring(at + 1);
            }
            if (authority.endsWith(":80") || authority.endsWith(":443")) {
                authority = authority.substring(0, authority.lastIndexOf(':'));
            }
            if (authority.isEmpty() || authority.indexOf(' ') >= 0) {
                return null;
            }
            String path = rest.substring(end);
            if (path.equals("/")) {
                path = "";
            }
            return authority + path;
        }
    }
}
