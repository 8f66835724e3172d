package org.socengine.connectors.decode.format;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.core.Times;
import org.socengine.model.SecurityEvent;

/**
 * ArcSight Common Event Format, the body firewalls, proxies and IDSes send alone (source {@code
 * cef}) or as the message of a syslog line: {@code
 * CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value ...}.
 *
 * <p>Escaping follows the CEF specification: in the header {@code \|} and {@code \\}; in the
 * extension {@code \=}, {@code \\}, {@code \n} and {@code \r}. An extension value runs until the
 * next unescaped {@code key=}, so values may hold spaces.
 */
public final class CefFormat {

    private static final String MODULE = "cef";

    private static final Pattern CEF_TIME =
            Pattern.compile(
                    "^([A-Z][a-z]{2}) (\\d{1,2})(?: (\\d{4}))? (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,3}))?(?: (\\S+))?$");
    private static final Pattern DENY =
            Pattern.compile(
                    "(?i)\\b(block|blocked|deny|denied|drop|dropped|reject|rejected|prevent|prevented)\\b");
    private static final Pattern ALLOW =
            Pattern.compile(
                    "(?i)\\b(allow|allowed|accept|accepted|permit|permitted|pass|passed)\\b");

    private CefFormat() {}

    /** Reads a CEF body ({@code CEF:...}) into the event; a syslog header may have set time. */
    public static void parse(String body, SecurityEvent e, DecoderOptions options)
            throws DecodeException {
        List<String> header = new ArrayList<>(8);
        StringBuilder cur = new StringBuilder();
        int i = 4;
        while (i < body.length() && header.size() < 7) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char n = body.charAt(i + 1);
                if (n == '|' || n == '\\') {
                    cur.append(n);
                    i += 2;
                    continue;
                }
            }
            if (c == '|') {
                header.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
            i++;
        }
        if (header.size() < 7) {
            throw new DecodeException(
                    DecodeException.Reason.TRUNCATED,
                    "CEF header has " + header.size() + " of 7 fields");
        }
        String version = header.get(0).strip();
        if (!Scan.digits(version, 1, 2)) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED,
                    "CEF version '" + DecoderSupport.cap(version, 16) + "'");
        }
        Map<String, String> ext = extension(body.substring(i));
        SecurityEvent.Event ev = e.ensureEvent();
        ev.module = MODULE;
        ev.kind = "event";
        ev.dataset = MODULE + "." + snake(header.get(2), "event");
        SecurityEvent.Observer obs = e.ensureObserver();
        obs.vendor = blankToNull(header.get(1));
        obs.product = blankToNull(header.get(2));
        e.field("cef.version", version);
        e.field("cef.device_version", blankToNull(header.get(3)));
        ev.code = blankToNull(header.get(4));
        SecurityEvent.Rule rule = e.ensureRule();
        rule.id = ev.code;
        rule.name = blankToNull(header.get(5));
        ev.severity = severity(header.get(6).strip());
        e.field("cef.severity", blankToNull(header.get(6).strip()));
        apply(ext, e, options);
        String act = ext.get("act");
        String verdict =
                (act == null ? "" : act)
                        + " "
                        + (ext.get("outcome") == null ? "" : ext.get("outcome"));
        boolean net = e.source != null || e.destination != null;
        if (DENY.matcher(verdict).find()) {
            ev.category = "network";
            ev.type = "denied";
            ev.action = "connection_denied";
            ev.outcome = "failure";
        } else if (net && ALLOW.matcher(verdict).find()) {
            ev.category = "network";
            ev.type = "allowed";
            ev.action = "connection_allowed";
            ev.outcome = ev.outcome == null ? "success" : ev.outcome;
        } else {
            ev.category = e.url != null ? "web" : net ? "network" : "host";
            ev.action = snake(rule.name, "cef_event");
        }
    }

    /** Splits a CEF extension into keys and unescaped values. */
    public static Map<String, String> extension(String s) throws DecodeException {
        Map<String, String> out = new LinkedHashMap<>();
        // Positions of the unescaped '=' that end a key, with where that key starts.
        List<int[]> keys = new ArrayList<>();
        // A key starts after the last space before its '=' (escaped or not); tracked as we go, so
        // a run of '=' costs one pass, not one walk back per '='.
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                start = i + 1;
            }
            if (c == '\\') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ' ') {
                    start = i + 2;
                }
                i++;
                continue;
            }
            if (c == '=' && isKey(s, start, i)) {
                keys.add(new int[] {start, i});
            }
        }
        if (keys.isEmpty()) {
            if (!s.isBlank()) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED, "CEF extension without key=value pairs");
            }
            return out;
        }
        if (!s.substring(0, keys.get(0)[0]).isBlank()) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "CEF extension starts without a key");
        }
        for (int k = 0; k < keys.size(); k++) {
            int[] key = keys.get(k);
            int end = k + 1 < keys.size() ? keys.get(k + 1)[0] : s.length();
            String raw = s.substring(key[1] + 1, end);
            if (k + 1 < keys.size() && raw.endsWith(" ")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            out.put(s.substring(key[0], key[1]), unescape(raw));
        }
        return out;
    }

    /** {@code [A-Za-z0-9_.\[\]-]{1,64}} over {@code s[from, to)}. */
    private static boolean isKey(String s, int from, int to) {
        if (to - from < 1 || to - from > 64) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(Scan.isWord(c) || c == '.' || c == '[' || c == ']' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String unescape(String v) {
        if (v.indexOf('\\') < 0) {
            return v.strip();
        }
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case '=', '\\', '|' -> b.append(n);
                    default -> b.append('\\').append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString().strip();
    }

    private static void apply(Map<String, String> ext, SecurityEvent e, DecoderOptions options)
            throws DecodeException {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, String> x : ext.entrySet()) {
            if (x.getKey().endsWith("Label")) {
                labels.put(x.getKey().substring(0, x.getKey().length() - 5), x.getValue());
            }
        }
        String src = null;
        String dst = null;
        Integer spt = null;
        Integer dpt = null;
        for (Map.Entry<String, String> x : ext.entrySet()) {
            String k = x.getKey();
            String v = x.getValue();
            if (v.isEmpty() || k.endsWith("Label")) {
                continue;
            }
            switch (k) {
                case "src", "sourceAddress" -> src = v;
                case "dst", "destinationAddress" -> dst = v;
                case "spt", "sourcePort" -> spt = DecoderSupport.port(v);
                case "dpt", "destinationPort" -> dpt = DecoderSupport.port(v);
                case "shost", "sourceHostName" -> e.ensureSource().domain = v;
                case "dhost", "destinationHostName" -> e.ensureDestination().domain = v;
                case "smac" -> e.ensureSource().mac = v;
                case "dmac" -> e.ensureDestination().mac = v;
                case "proto", "transportProtocol" -> e.ensureNetwork().transport = Net.transport(v);
                case "app", "applicationProtocol" ->
                        e.ensureNetwork().protocol = v.toLowerCase(Locale.ROOT);
                case "in", "bytesIn" -> e.ensureSource().bytes = number(v);
                case "out", "bytesOut" -> e.ensureDestination().bytes = number(v);
                case "suser", "sourceUserName" -> e.ensureUser().name = v;
                case "suid", "sourceUserId" -> e.ensureUser().id = v;
                case "sntdom", "sourceNtDomain" -> e.ensureUser().domain = v;
                case "duser", "destinationUserName" -> e.ensureUser().ensureTarget().name = v;
                case "duid", "destinationUserId" -> e.ensureUser().ensureTarget().id = v;
                case "dntdom", "destinationNtDomain" -> e.ensureUser().ensureTarget().domain = v;
                case "request", "requestURL" -> url(e, v);
                case "requestMethod" -> e.ensureHttp().ensureRequest().method = v;
                case "requestClientApplication" -> e.ensureUserAgent().original = v;
                case "fname", "fileName" -> e.ensureFile().name = v;
                case "filePath" -> e.ensureFile().path = v;
                case "sproc", "sourceProcessName" -> e.ensureProcess().name = v;
                case "spid", "sourceProcessId" -> e.ensureProcess().pid = number(v);
                case "dvc", "deviceAddress" -> e.ensureObserver().ip = Net.ip(v);
                case "dvchost", "deviceHostName" -> e.ensureObserver().hostname = v;
                case "deviceExternalId" -> e.ensureObserver().name = v;
                case "cat", "deviceEventCategory" -> e.ensureRule().category = v;
                case "outcome", "eventOutcome" -> {
                    String o = v.toLowerCase(Locale.ROOT);
                    if (o.startsWith("succe")) {
                        e.ensureEvent().outcome = "success";
                    } else if (o.startsWith("fail")) {
                        e.ensureEvent().outcome = "failure";
                    }
                    e.field("cef.outcome", v);
                }
                case "rt", "receiptTime", "end", "endTime" -> {
                    if (k.startsWith("r") || e.timestamp <= 0) {
                        e.timestamp = time(v, options);
                    }
                }
                case "start", "startTime" -> {
                    if (e.timestamp <= 0 && !ext.containsKey("rt") && !ext.containsKey("end")) {
                        e.timestamp = time(v, options);
                    }
                    e.field("cef.start", v);
                }
                case "externalId" -> e.ensureEvent().id = v;
                default -> {
                    String label = labels.get(k);
                    e.field(
                            label != null ? label : "cef." + k,
                            DecoderSupport.cap(v, options.maxOriginalBytes()));
                }
            }
        }
        Net.source(e, src, spt);
        Net.destination(e, dst, dpt);
    }

    private static void url(SecurityEvent e, String v) {
        SecurityEvent.Url u = e.ensureUrl();
        u.original = v;
        int scheme = v.indexOf("://");
        String rest = scheme >= 0 ? v.substring(scheme + 3) : v;
        int slash = rest.indexOf('/');
        if (scheme >= 0) {
            u.domain = slash < 0 ? rest : rest.substring(0, slash);
        }
        String pathQuery = scheme >= 0 ? (slash < 0 ? "/" : rest.substring(slash)) : v;
        int q = pathQuery.indexOf('?');
        u.path = q < 0 ? pathQuery : pathQuery.substring(0, q);
        u.query = q < 0 ? null : pathQuery.substring(q + 1);
    }

    static long time(String v, DecoderOptions options) throws DecodeException {
        String t = v.strip();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return Times.epoch(t);
        }
        Matcher m = CEF_TIME.matcher(t);
        if (m.matches()) {
            int month = Times.month(m.group(1));
            if (month < 0) {
                throw new DecodeException(
                        DecodeException.Reason.BAD_TIMESTAMP, "bad month in '" + t + "'");
            }
            ZoneId zone = options.zone();
            if (m.group(8) != null) {
                try {
                    zone = ZoneId.of(m.group(8), ZoneId.SHORT_IDS);
                } catch (DateTimeException ex) {
                    // An unknown zone name: keep the configured zone of the source.
                }
            }
            int ms = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00").substring(0, 3));
            int day = Integer.parseInt(m.group(2));
            int h = Integer.parseInt(m.group(4));
            int mi = Integer.parseInt(m.group(5));
            int s = Integer.parseInt(m.group(6));
            if (m.group(3) != null) {
                return Times.of(
                        Integer.parseInt(m.group(3)), month, day, h, mi, s, ms * 1_000_000, zone);
            }
            return Times.yearless(month, day, h, mi, s, ms * 1_000_000, null, options);
        }
        return Times.iso(t, options.zone());
    }

    /** CEF severity: 0-10, or Low / Medium / High / Very-High. */
    static Integer severity(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.chars().allMatch(Character::isDigit) && s.length() <= 2) {
            return Math.min(10, Integer.parseInt(s));
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "low" -> 3;
            case "medium" -> 6;
            case "high" -> 8;
            case "very-high", "very high", "critical" -> 10;
            default -> null;
        };
    }

    private static Long number(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    static String snake(String s, String fallback) {
        if (s == null) {
            return fallback;
        }
        String t = Scan.snake(s.toLowerCase(Locale.ROOT));
        if (t.isEmpty()) {
            return fallback;
        }
        return t.length() > 64 ? t.substring(0, 64) : t;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
