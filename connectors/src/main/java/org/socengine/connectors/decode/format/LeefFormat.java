package org.socengine.connectors.decode.format;

import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Times;
import org.socengine.model.SecurityEvent;

/**
 * IBM QRadar's Log Event Extended Format, versions 1.0 and 2.0, sent alone (source {@code leef}) or
 * as the message of a syslog line: {@code
 * LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value} and {@code
 * LEEF:2.0|Vendor|Product|Version|EventID|^|key=value^key=value}. The 2.0 delimiter may be given as
 * a character or in hex ({@code x09}, {@code 0x5E}).
 */
public final class LeefFormat {

    private static final String MODULE = "leef";

    private static final Pattern HEX_DELIMITER = Pattern.compile("^(?:0?[xX])([0-9a-fA-F]{2,4})$");
    private static final Pattern SPACE_KEY = Pattern.compile(" [A-Za-z0-9_.-]{1,64}=");
    private static final Pattern DENY =
            Pattern.compile("(?i)\\b(block|blocked|deny|denied|drop|dropped|reject|rejected)\\b");
    private static final Pattern ALLOW =
            Pattern.compile("(?i)\\b(allow|allowed|accept|accepted|permit|permitted)\\b");

    private LeefFormat() {}

    /** Reads a LEEF body ({@code LEEF:...}) into the event; a syslog header may have set time. */
    public static void parse(String body, SecurityEvent e, DecoderOptions options)
            throws DecodeException {
        List<String> header = new ArrayList<>(6);
        int pos = 5;
        while (header.size() < 5) {
            int bar = body.indexOf('|', pos);
            if (bar < 0) {
                throw new DecodeException(
                        DecodeException.Reason.TRUNCATED,
                        "LEEF header has " + header.size() + " of 5 fields");
            }
            header.add(body.substring(pos, bar));
            pos = bar + 1;
        }
        String version = header.get(0).strip();
        String delimiter = "\t";
        if (version.equals("2.0") || version.equals("2")) {
            int bar = body.indexOf('|', pos);
            if (bar >= 0) {
                String d = body.substring(pos, bar);
                String parsed = delimiter(d);
                if (parsed != null) {
                    delimiter = parsed;
                    pos = bar + 1;
                }
            }
        } else if (!version.equals("1.0") && !version.equals("1")) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED,
                    "LEEF version '" + DecoderSupport.cap(version, 16) + "'");
        }
        Map<String, String> attrs = attributes(body.substring(pos), delimiter);
        SecurityEvent.Event ev = e.ensureEvent();
        ev.module = MODULE;
        ev.kind = "event";
        e.field("leef.version", version);
        SecurityEvent.Observer obs = e.ensureObserver();
        obs.vendor = blankToNull(header.get(1));
        obs.product = blankToNull(header.get(2));
        e.field("leef.product_version", blankToNull(header.get(3)));
        ev.code = blankToNull(header.get(4));
        ev.dataset = MODULE + "." + CefFormat.snake(header.get(2), "event");
        String src = null;
        String dst = null;
        Integer spt = null;
        Integer dpt = null;
        String devTime = null;
        String action = null;
        for (Map.Entry<String, String> a : attrs.entrySet()) {
            String k = a.getKey();
            String v = a.getValue();
            if (v.isEmpty()) {
                continue;
            }
            switch (k) {
                case "src" -> src = v;
                case "dst" -> dst = v;
                case "srcPort" -> spt = DecoderSupport.port(v);
                case "dstPort" -> dpt = DecoderSupport.port(v);
                case "proto" -> e.ensureNetwork().transport = Net.transport(v);
                case "srcMAC" -> e.ensureSource().mac = v;
                case "dstMAC" -> e.ensureDestination().mac = v;
                case "srcBytes" -> e.ensureSource().bytes = number(v);
                case "dstBytes" -> e.ensureDestination().bytes = number(v);
                case "totalPackets" -> e.ensureNetwork().packets = number(v);
                case "usrName", "accountName", "userName" -> e.ensureUser().name = v;
                case "domain" -> e.ensureUser().domain = v;
                case "identHostName" -> e.ensureHost().name = v;
                case "url" -> e.ensureUrl().original = v;
                case "cat" -> e.ensureRule().category = v;
                case "sev" -> {
                    Integer s = CefFormat.severity(v);
                    ev.severity = s;
                    e.field("leef.sev", v);
                }
                case "devTime" -> devTime = v;
                case "devTimeFormat" -> e.field("leef.devTimeFormat", v);
                case "action", "act" -> {
                    action = v;
                    e.field("leef.action", v);
                }
                default -> e.field(k, DecoderSupport.cap(v, options.maxOriginalBytes()));
            }
        }
        Net.source(e, src, spt);
        Net.destination(e, dst, dpt);
        if (devTime != null) {
            e.timestamp = devTime(devTime, attrs.get("devTimeFormat"), options);
        }
        boolean net = e.source != null || e.destination != null;
        String verdict = action == null ? "" : action;
        if (DENY.matcher(verdict).find()) {
            ev.category = "network";
            ev.type = "denied";
            ev.action = "connection_denied";
            ev.outcome = "failure";
        } else if (net && ALLOW.matcher(verdict).find()) {
            ev.category = "network";
            ev.type = "allowed";
            ev.action = "connection_allowed";
            ev.outcome = "success";
        } else {
            ev.category = e.url != null ? "web" : net ? "network" : "host";
            ev.action = CefFormat.snake(ev.code, "leef_event");
        }
    }

    private static String delimiter(String d) {
        if (d.length() == 1) {
            return d;
        }
        java.util.regex.Matcher m = HEX_DELIMITER.matcher(d);
        if (m.matches()) {
            int cp = Integer.parseInt(m.group(1), 16);
            return Character.isValidCodePoint(cp) && cp > 0
                    ? new String(Character.toChars(cp))
                    : null;
        }
        return null;
    }

    private static Map<String, String> attributes(String s, String delimiter)
            throws DecodeException {
        if (s.isBlank()) {
            return Map.of();
        }
        if (!s.contains(delimiter) && SPACE_KEY.matcher(s).find()) {
            // Some devices separate LEEF 1.0 attributes with spaces, like CEF.
            return CefFormat.extension(s);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : s.split(Pattern.quote(delimiter), -1)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED,
                        "LEEF attribute without key=value: '" + DecoderSupport.cap(part, 64) + "'");
            }
            out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return out;
    }

    private static long devTime(String v, String format, DecoderOptions options)
            throws DecodeException {
        if (format != null && !format.isBlank()) {
            try {
                DateTimeFormatter f = DateTimeFormatter.ofPattern(format, Locale.ENGLISH);
                TemporalAccessor t = f.parseBest(v, ZonedDateTime::from, LocalDateTime::from);
                long ms =
                        t instanceof ZonedDateTime z
                                ? z.toInstant().toEpochMilli()
                                : ((LocalDateTime) t)
                                        .atZone(options.zone())
                                        .toInstant()
                                        .toEpochMilli();
                return Times.checked(ms);
            } catch (IllegalArgumentException | java.time.DateTimeException ex) {
                // A format Java cannot read: fall back to the shapes devices commonly use.
            }
        }
        return CefFormat.time(v, options);
    }

    private static Long number(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
