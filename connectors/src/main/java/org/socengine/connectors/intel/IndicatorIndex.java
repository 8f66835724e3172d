package org.socengine.connectors.intel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.connectors.intel.Indicator.Addresses;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SecurityEvent.Enrichment;
import org.socengine.model.SecurityEvent.Matched;

/**
 * The indicators in effect, arranged for matching events without scanning them: one hash map per
 * kind of exact value, a prefix trie per address family for CIDR ranges, and a suffix walk for
 * domains (a name is looked up as itself and as each of its parent domains). An event costs a few
 * hash lookups and, when ranges are held, one trie walk per address, however many indicators there
 * are.
 *
 * <p>Not thread-safe: each Flink subtask keeps its own, changed and read by its task thread only.
 */
public final class IndicatorIndex {

    /** ECS {@code threat.enrichments.matched.type} of every match made here. */
    public static final String MATCH_TYPE = "indicator_match_rule";

    /** At most this many enrichments are added to one event (a flood of overlapping ranges). */
    static final int MAX_MATCHES = 16;

    private static final String[] IP_FIELDS = {"source.ip", "destination.ip", "host.ip"};

    /** Fields of the source that hold e-mail addresses. */
    private static final Map<String, IndicatorKind> FIELD_KINDS =
            Map.ofEntries(
                    Map.entry("file.hash.md5", IndicatorKind.MD5),
                    Map.entry("file.hash.sha1", IndicatorKind.SHA1),
                    Map.entry("file.hash.sha256", IndicatorKind.SHA256),
                    Map.entry("email.from.address", IndicatorKind.EMAIL),
                    Map.entry("email.to.address", IndicatorKind.EMAIL),
                    Map.entry("email.sender.address", IndicatorKind.EMAIL),
                    Map.entry("smtp.mail_from", IndicatorKind.EMAIL),
                    Map.entry("smtp.rcpt_to", IndicatorKind.EMAIL),
                    Map.entry("mailfrom", IndicatorKind.EMAIL),
                    Map.entry("rcptto", IndicatorKind.EMAIL),
                    Map.entry("tls.client.server_name", IndicatorKind.DOMAIN));

    private final Map<String, Indicator> addresses = new HashMap<>();
    private final Map<String, Indicator> domains = new HashMap<>();
    private final Map<String, Indicator> urls = new HashMap<>();
    private final Map<String, Indicator> hashes = new HashMap<>();
    private final Map<String, Indicator> emails = new HashMap<>();
    private final PrefixTrie v4 = new PrefixTrie();
    private final PrefixTrie v6 = new PrefixTrie();
    private final Indicator[] scratch = new Indicator[MAX_MATCHES];

    public static IndicatorIndex of(Collection<Indicator> indicators) {
        IndicatorIndex index = new IndicatorIndex();
        indicators.forEach(index::put);
        return index;
    }

    /** The number of indicators held. */
    public int size() {
        return addresses.size()
                + domains.size()
                + urls.size()
                + hashes.size()
                + emails.size()
                + v4.size()
                + v6.size();
    }

    /** Adds an indicator, or replaces the one of the same kind and value. */
    public void put(Indicator i) {
        switch (i.kind) {
            case IP -> {
                int slash = i.value.indexOf('/');
                if (slash < 0) {
                    addresses.put(i.value, i);
                } else {
                    range(i.value, slash, i);
                }
            }
            case DOMAIN -> domains.put(i.value, i);
            case URL -> urls.put(i.value, i);
            case MD5, SHA1, SHA256 -> hashes.put(i.value, i);
            case EMAIL -> emails.put(i.value, i);
        }
    }

    /**
     * Removes the indicator of a {@code soc.intel} key ({@code kind:value}); unknown keys are
     * ignored.
     */
    public void remove(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0) {
            return;
        }
        IndicatorKind kind = IndicatorKind.named(key.substring(0, colon));
        if (kind == null) {
            return;
        }
        String value = key.substring(colon + 1);
        switch (kind) {
            case IP -> {
                int slash = value.indexOf('/');
                if (slash < 0) {
                    addresses.remove(value);
                } else {
                    range(value, slash, null);
                }
            }
            case DOMAIN -> domains.remove(value);
            case URL -> urls.remove(value);
            case MD5, SHA1, SHA256 -> hashes.remove(value);
            case EMAIL -> emails.remove(value);
        }
    }

    private void range(String value, int slash, Indicator i) {
        String addr = value.substring(0, slash);
        int bits = Integer.parseInt(value.substring(slash + 1));
        long a4 = Addresses.ipv4(addr);
        if (a4 >= 0) {
            byte[] b = {(byte) (a4 >>> 24), (byte) (a4 >>> 16), (byte) (a4 >>> 8), (byte) a4};
            if (i == null) {
                v4.remove(b, bits);
            } else {
                v4.put(b, bits, i);
            }
            return;
        }
        byte[] b6 = Addresses.ipv6(addr);
        if (b6 != null) {
            if (i == null) {
                v6.remove(b6, bits);
            } else {
                v6.put(b6, bits, i);
            }
        }
    }

    /**
     * Adds an ECS {@code threat.enrichments} entry for each indicator the event matches and that
     * has not expired at the event's time, and sets {@code threat.indicator} to the strongest of
     * them (highest confidence, then the most specific). Changes nothing when none matches.
     *
     * @return the number of enrichments added
     */
    public int enrich(SecurityEvent e) {
        List<Enrichment> found = null;
        long t = e.timestamp;
        if (!addresses.isEmpty() || v4.size() > 0 || v6.size() > 0) {
            found = ip(e.source == null ? null : e.source.ip, IP_FIELDS[0], t, found);
            found = ip(e.destination == null ? null : e.destination.ip, IP_FIELDS[1], t, found);
            found = ip(e.host == null ? null : e.host.ip, IP_FIELDS[2], t, found);
        }
        if (!domains.isEmpty()) {
            found =
                    domain(
                            e.dns == null || e.dns.question == null ? null : e.dns.question.name,
                            "dns.question.name",
                            t,
                            found);
            found = domain(e.url == null ? null : e.url.domain, "url.domain", t, found);
            found =
                    domain(
                            e.destination == null ? null : e.destination.domain,
                            "destination.domain",
                            t,
                            found);
            found = domain(e.source == null ? null : e.source.domain, "source.domain", t, found);
        }
        if (!urls.isEmpty() && e.url != null && e.url.original != null) {
            String u = Addresses.url(e.url.original, e.url.domain);
            if (u != null) {
                found = add(urls.get(u), "url.original", e.url.original, t, found);
            }
        }
        if (!emails.isEmpty()
                && e.user != null
                && e.user.name != null
                && e.user.name.indexOf('@') > 0) {
            found =
                    add(
                            emails.get(e.user.name.toLowerCase(Locale.ROOT)),
                            "user.name",
                            e.user.name,
                            t,
                            found);
        }
        if (e.fields != null && (!hashes.isEmpty() || !emails.isEmpty() || !domains.isEmpty())) {
            found = fields(e.fields, t, found);
        }
        if (found == null) {
            return 0;
        }
        SecurityEvent.Threat threat = e.ensureThreat();
        if (threat.enrichments == null) {
            threat.enrichments = found;
        } else {
            threat.enrichments = new ArrayList<>(threat.enrichments);
            threat.enrichments.addAll(found);
        }
        SecurityEvent.Indicator best = null;
        for (Enrichment x : threat.enrichments) {
            SecurityEvent.Indicator c = x.indicator;
            if (c != null
                    && (best == null
                            || (c.confidence == null ? 0 : c.confidence)
                                    > (best.confidence == null ? 0 : best.confidence))) {
                best = c;
            }
        }
        if (best != null) {
            threat.indicator = best;
        }
        return found.size();
    }

    private List<Enrichment> ip(String ip, String field, long t, List<Enrichment> found) {
        if (ip == null || ip.isEmpty()) {
            return found;
        }
        long a4 = Addresses.ipv4(ip);
        if (a4 >= 0) {
            found = add(addresses.get(ip), field, ip, t, found);
            if (v4.size() > 0) {
                int n = v4.match(a4, scratch);
                for (int i = 0; i < n; i++) {
                    found = add(scratch[i], field, ip, t, found);
                }
            }
            return found;
        }
        if (ip.indexOf(':') < 0) {
            return found;
        }
        byte[] b6 = Addresses.ipv6(ip);
        if (b6 == null) {
            // An IPv4-mapped address: look it up as the IPv4 address it is.
            return ip.startsWith("::ffff:") ? ip(ip.substring(7), field, t, found) : found;
        }
        found = add(addresses.get(Addresses.ipv6Text(b6)), field, ip, t, found);
        if (v6.size() > 0) {
            int n = v6.match(b6, 128, scratch);
            for (int i = 0; i < n; i++) {
                found = add(scratch[i], field, ip, t, found);
            }
        }
        return found;
    }

    /** The name, then each parent domain: {@code a.b.evil.example}, {@code b.evil.example}, ... */
    private List<Enrichment> domain(String name, String field, long t, List<Enrichment> found) {
        if (name == null || name.isEmpty()) {
            return found;
        }
        String d = name;
        if (d.charAt(d.length() - 1) == '.') {
            d = d.substring(0, d.length() - 1);
        }
        d = lower(d);
        int from = 0;
        while (true) {
            Indicator i = domains.get(from == 0 ? d : d.substring(from));
            if (i != null) {
                // The most specific listed domain is enough: its parents say no more.
                return add(i, field, name, t, found);
            }
            int dot = d.indexOf('.', from);
            if (dot < 0) {
                return found;
            }
            from = dot + 1;
        }
    }

    private List<Enrichment> fields(Map<String, String> fields, long t, List<Enrichment> found) {
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String key = f.getKey();
            String v = f.getValue();
            if (key == null || v == null || v.isEmpty()) {
                continue;
            }
            if (key.equals("Hashes")) {
                // Sysmon: SHA1=...,MD5=...,SHA256=...,IMPHASH=...
                if (!hashes.isEmpty()) {
                    for (String part : v.split(",")) {
                        int eq = part.indexOf('=');
                        if (eq > 0) {
                            String h = lower(part.substring(eq + 1).strip());
                            found = add(hashes.get(h), "fields.Hashes", h, t, found);
                        }
                    }
                }
                continue;
            }
            IndicatorKind kind = FIELD_KINDS.get(key);
            if (kind == null) {
                continue;
            }
            switch (kind) {
                case MD5, SHA1, SHA256 -> found = add(hashes.get(lower(v)), key, v, t, found);
                case EMAIL -> {
                    String m = lower(v.strip());
                    if (m.startsWith("<") && m.endsWith(">")) {
                        m = m.substring(1, m.length() - 1);
                    }
                    found = add(emails.get(m), key, v, t, found);
                }
                case DOMAIN -> found = domain(v, key, t, found);
                default -> {}
            }
        }
        return found;
    }

    private static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 127) {
                return s.toLowerCase(Locale.ROOT);
            }
        }
        return s;
    }

    private static List<Enrichment> add(
            Indicator i, String field, String atomic, long t, List<Enrichment> found) {
        if (i == null || i.expiredAt(t)) {
            return found;
        }
        if (found == null) {
            found = new ArrayList<>(2);
        } else if (found.size() >= MAX_MATCHES) {
            return found;
        }
        found.add(enrichment(i, field, atomic));
        return found;
    }

    /** The ECS enrichment entry of one match. */
    public static Enrichment enrichment(Indicator i, String field, String atomic) {
        Enrichment x = new Enrichment();
        SecurityEvent.Indicator ind = new SecurityEvent.Indicator();
        ind.type = i.kind.ecsType(i.value);
        ind.value = i.value;
        ind.provider = i.source;
        ind.confidence = i.confidence;
        if (i.firstSeen > 0) ind.first_seen = Instant.ofEpochMilli(i.firstSeen).toString();
        if (i.lastSeen > 0) ind.last_seen = Instant.ofEpochMilli(i.lastSeen).toString();
        x.indicator = ind;
        Matched m = new Matched();
        m.atomic = atomic;
        m.field = field;
        m.type = MATCH_TYPE;
        x.matched = m;
        return x;
    }
}
