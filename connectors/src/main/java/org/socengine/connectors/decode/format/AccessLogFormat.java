package org.socengine.connectors.decode.format;

import java.time.ZoneOffset;
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
 * The Apache and Nginx common and combined access log formats, including the variants seen in the
 * field (a virtual host first, {@code X-Forwarded-For} before the client, extra fields after the
 * user agent): sent as the source {@code web} or as the message of an nginx or apache syslog line.
 */
public final class AccessLogFormat {

    private static final String MODULE = "web";

    private static final Pattern CLF =
            Pattern.compile(
                    "\\[(\\d{1,2})/([A-Za-z]{3})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?(?: ?([+-]\\d{4}))?\\] \"");
    private static final Pattern STATUS_BYTES = Pattern.compile("^ (\\d{3}|-) (\\d+|-)");

    private AccessLogFormat() {}

    /** Whether the line holds a bracketed access log date followed by a quoted request. */
    public static boolean hasDate(String line) {
        return CLF.matcher(line).find();
    }

    /**
     * Reads an access log line that came as the message of a syslog record from nginx or apache.
     * Lines that are not access log lines (error logs) are left as they are.
     */
    public static void parseInto(String message, SecurityEvent e, DecoderOptions options)
            throws DecodeException {
        long t = e.timestamp;
        if (!parse(message, e, options)) {
            e.timestamp = t;
        }
    }

    /** Reads an access log line into the event; false when the line is not one. */
    public static boolean parse(String line, SecurityEvent e, DecoderOptions options)
            throws DecodeException {
        Matcher m = CLF.matcher(line);
        if (!m.find()) {
            return false;
        }
        String[] prefix = line.substring(0, m.start()).strip().split("\\s+");
        if (prefix.length < 1 || prefix[0].isEmpty() || prefix.length > 6) {
            return false;
        }
        // The client is the first IP literal before the date: a virtual host ("www.x.org:80")
        // may come first, and a proxy's X-Forwarded-For list may follow the client.
        String client = null;
        int clientAt = -1;
        for (int i = 0; i < prefix.length; i++) {
            if (Net.ip(prefix[i]) != null) {
                client = prefix[i];
                clientAt = i;
                break;
            }
        }
        if (client == null) {
            client = prefix[0];
            clientAt = 0;
        }
        if (clientAt > 0) {
            String vhost = prefix[0];
            int colon = vhost.lastIndexOf(':');
            if (colon > 0 && Net.ip(vhost) == null) {
                e.ensureUrl().domain = vhost.substring(0, colon);
                e.ensureDestination().port = DecoderSupport.port(vhost.substring(colon + 1));
            } else if (Net.ip(vhost) == null) {
                e.ensureUrl().domain = vhost;
            }
        }
        if (prefix.length - clientAt >= 3) {
            String user = prefix[prefix.length - 1];
            if (!user.equals("-")) {
                e.ensureUser().name = unescape(user);
            }
        }
        Net.source(e, client, null);
        for (int i = clientAt + 1; i < prefix.length; i++) {
            if (Net.ip(prefix[i].replace(",", "")) != null) {
                e.field("http.forwarded_for", prefix[i]);
                break;
            }
        }
        int month = Times.month(m.group(2));
        if (month < 0) {
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP, "bad month '" + m.group(2) + "'");
        }
        java.time.ZoneId zone = options.zone();
        if (m.group(8) != null) {
            String off = m.group(8);
            int sign = off.charAt(0) == '-' ? -1 : 1;
            int hh = Integer.parseInt(off.substring(1, 3));
            int mm = Integer.parseInt(off.substring(3, 5));
            if (hh > 18 || mm > 59) {
                throw new DecodeException(
                        DecodeException.Reason.BAD_TIMESTAMP, "bad offset " + off);
            }
            zone = ZoneOffset.ofHoursMinutes(sign * hh, sign * mm);
        }
        int micros =
                m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "000000").substring(0, 6));
        e.timestamp =
                Times.of(
                        Integer.parseInt(m.group(3)),
                        month,
                        Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(4)),
                        Integer.parseInt(m.group(5)),
                        Integer.parseInt(m.group(6)),
                        micros * 1000,
                        zone);
        // The quoted fields are scanned by hand: a regular expression over a request full of
        // escaped quotes recurses once per character and overflows the stack.
        int[] end = new int[1];
        String req = quoted(line, m.end(), end);
        if (req == null) {
            return false;
        }
        Matcher sb = STATUS_BYTES.matcher(line).region(end[0], line.length());
        if (!sb.lookingAt()) {
            return false;
        }
        request(unescape(req), e);
        Integer status = sb.group(1).equals("-") ? null : Integer.valueOf(sb.group(1));
        Long bytes = sb.group(2).equals("-") ? null : parseLong(sb.group(2));
        response(e, status, bytes);
        int pos = sb.end();
        String rest = line.substring(pos);
        String trimmed = rest.stripLeading();
        if (trimmed.startsWith("\"")) {
            int refStart = pos + (rest.length() - trimmed.length()) + 1;
            String ref = quoted(line, refStart, end);
            if (ref != null) {
                String afterRef = line.substring(end[0]);
                String t2 = afterRef.stripLeading();
                if (t2.startsWith("\"") && t2.length() < afterRef.length()) {
                    int uaStart = end[0] + (afterRef.length() - t2.length()) + 1;
                    int[] uaEnd = new int[1];
                    String ua = quoted(line, uaStart, uaEnd);
                    if (ua != null) {
                        ref = unescape(ref);
                        if (!ref.equals("-") && !ref.isEmpty()) {
                            e.ensureHttp().ensureRequest().referrer = ref;
                        }
                        ua = unescape(ua);
                        if (!ua.equals("-") && !ua.isEmpty()) {
                            e.ensureUserAgent().original = ua;
                        }
                        rest = line.substring(uaEnd[0]);
                    }
                }
            }
        }
        String extra = rest.strip();
        if (!extra.isEmpty()) {
            e.field("http.extra", DecoderSupport.cap(extra, 1024));
        }
        SecurityEvent.Event ev = e.ensureEvent();
        ev.dataset = MODULE + ".access";
        return true;
    }

    private static void request(String req, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "web";
        ev.type = "access";
        ev.action = "http_request";
        if (req.equals("-") || req.isEmpty()) {
            return;
        }
        String[] parts = req.split(" ");
        if (parts.length >= 2 && Scan.method(parts[0])) {
            e.ensureHttp().ensureRequest().method = parts[0];
            String target;
            if (parts.length >= 3 && parts[parts.length - 1].startsWith("HTTP/")) {
                e.field("http.version", parts[parts.length - 1].substring(5));
                target =
                        req.substring(
                                parts[0].length() + 1,
                                req.length() - parts[parts.length - 1].length() - 1);
            } else {
                target = req.substring(parts[0].length() + 1);
            }
            SecurityEvent.Url u = e.ensureUrl();
            u.original = target;
            String pathQuery = target;
            int scheme = target.indexOf("://");
            if (scheme > 0 && scheme < 10) {
                String rest = target.substring(scheme + 3);
                int slash = rest.indexOf('/');
                u.domain = slash < 0 ? rest : rest.substring(0, slash);
                pathQuery = slash < 0 ? "/" : rest.substring(slash);
            }
            int q = pathQuery.indexOf('?');
            u.path = q < 0 ? pathQuery : pathQuery.substring(0, q);
            u.query = q < 0 ? null : pathQuery.substring(q + 1);
        } else {
            // Not an HTTP request (a TLS handshake sent to a plain port, a scanner's probe):
            // still an access log line, and worth keeping.
            e.field("http.request.line", DecoderSupport.cap(req, 2048));
        }
    }

    /** Sets the web event's fields of an answered request. */
    public static void response(SecurityEvent e, Integer status, Long bytes) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "web";
        ev.type = "access";
        ev.action = "http_request";
        if (status != null) {
            e.ensureHttp().ensureResponse().status_code = status;
            ev.outcome = status < 400 ? "success" : "failure";
        }
        if (bytes != null) {
            e.ensureHttp().ensureResponse().bytes = bytes;
        }
    }

    /**
     * The text of a double-quoted field whose opening quote is just before {@code start}, with
     * backslash escapes kept; {@code end[0]} is set after the closing quote. Null if not closed.
     */
    private static String quoted(String line, int start, int[] end) {
        int i = start;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"') {
                end[0] = i + 1;
                return line.substring(start, i);
            }
            i++;
        }
        return null;
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Apache escapes {@code "} and {@code \} with a backslash and other bytes as {@code \xHH}. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == '"' || n == '\\') {
                    b.append(n);
                    i++;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
