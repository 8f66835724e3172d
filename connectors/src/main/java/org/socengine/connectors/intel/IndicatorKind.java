package org.socengine.connectors.intel;

import java.util.Locale;
import java.util.Map;

/**
 * What an indicator's value is. Each kind has one canonical form ({@link Indicator#normalize}), so
 * that the feed's spelling and the event's meet in a hash lookup.
 */
public enum IndicatorKind {
    /** An IPv4 or IPv6 address, or a CIDR range of either. */
    IP("ipv4-addr"),
    /** A domain name; it also matches every name below it. */
    DOMAIN("domain-name"),
    /** A URL without its scheme, host in lower case ({@code evil.example/x?y}). */
    URL("url"),
    MD5("file"),
    SHA1("file"),
    SHA256("file"),
    EMAIL("email-addr");

    private final String ecsType;

    IndicatorKind(String ecsType) {
        this.ecsType = ecsType;
    }

    /** ECS {@code threat.indicator.type} of a value of this kind. */
    public String ecsType(String value) {
        return this == IP && value.indexOf(':') >= 0 ? "ipv6-addr" : ecsType;
    }

    /** The name in files and on {@code soc.intel} keys ({@code ip}, {@code sha256}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final Map<String, IndicatorKind> NAMES =
            Map.ofEntries(
                    Map.entry("ip", IP),
                    Map.entry("ipv4", IP),
                    Map.entry("ipv6", IP),
                    Map.entry("cidr", IP),
                    Map.entry("ipv4-addr", IP),
                    Map.entry("ipv6-addr", IP),
                    Map.entry("domain", DOMAIN),
                    Map.entry("domain-name", DOMAIN),
                    Map.entry("hostname", DOMAIN),
                    Map.entry("url", URL),
                    Map.entry("uri", URL),
                    Map.entry("md5", MD5),
                    Map.entry("sha1", SHA1),
                    Map.entry("sha-1", SHA1),
                    Map.entry("sha256", SHA256),
                    Map.entry("sha-256", SHA256),
                    Map.entry("email", EMAIL),
                    Map.entry("email-addr", EMAIL));

    /**
     * The kind a file names ({@code ip}, {@code ipv4}, {@code cidr}, {@code hostname}, ...), or
     * null.
     */
    public static IndicatorKind named(String name) {
        return name == null ? null : NAMES.get(name.strip().toLowerCase(Locale.ROOT));
    }

    /** Every name {@link #named} accepts, for error messages. */
    public static String names() {
        return String.join(", ", new java.util.TreeSet<>(NAMES.keySet()));
    }
}
