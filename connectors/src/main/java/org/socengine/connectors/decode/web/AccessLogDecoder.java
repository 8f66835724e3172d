package org.socengine.connectors.decode.web;

import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.core.Times;
import org.socengine.connectors.decode.format.AccessLogFormat;
import org.socengine.connectors.decode.format.SyslogHeader;
import org.socengine.model.SecurityEvent;

/**
 * Web server access logs (source {@code web}): Apache and Nginx common and combined formats,
 * including the variants seen in the field (a virtual host first, {@code X-Forwarded-For} before
 * the client, extra fields after the user agent), optionally behind a syslog header; and Microsoft
 * IIS W3C extended logs, by their {@code #Fields} header or, without one, by IIS's default field
 * layouts.
 */
public class AccessLogDecoder extends TextDecoder {

    public static final String SOURCE = "web";

    private static final Pattern IIS_START =
            Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) ");
    private static final Set<String> METHODS =
            Set.of(
                    "GET",
                    "POST",
                    "HEAD",
                    "PUT",
                    "DELETE",
                    "OPTIONS",
                    "PATCH",
                    "TRACE",
                    "CONNECT",
                    "PROPFIND",
                    "PROPPATCH",
                    "MKCOL",
                    "COPY",
                    "MOVE",
                    "LOCK",
                    "UNLOCK",
                    "SEARCH",
                    "RPC_IN_DATA",
                    "RPC_OUT_DATA",
                    "BITS_POST");

    /** IIS default W3C layouts, by number of fields, for logs shipped without their header. */
    private static final Map<Integer, List<String>> IIS_LAYOUTS =
            Map.of(
                    14,
                    List.of(
                            "date",
                            "time",
                            "s-ip",
                            "cs-method",
                            "cs-uri-stem",
                            "cs-uri-query",
                            "s-port",
                            "cs-username",
                            "c-ip",
                            "cs(User-Agent)",
                            "sc-status",
                            "sc-substatus",
                            "sc-win32-status",
                            "time-taken"),
                    15,
                    List.of(
                            "date",
                            "time",
                            "s-ip",
                            "cs-method",
                            "cs-uri-stem",
                            "cs-uri-query",
                            "s-port",
                            "cs-username",
                            "c-ip",
                            "cs(User-Agent)",
                            "cs(Referer)",
                            "sc-status",
                            "sc-substatus",
                            "sc-win32-status",
                            "time-taken"),
                    22,
                    List.of(
                            "date",
                            "time",
                            "s-sitename",
                            "s-computername",
                            "s-ip",
                            "cs-method",
                            "cs-uri-stem",
                            "cs-uri-query",
                            "s-port",
                            "cs-username",
                            "c-ip",
                            "cs-version",
                            "cs(User-Agent)",
                            "cs(Cookie)",
                            "cs(Referer)",
                            "cs-host",
                            "sc-status",
                            "sc-substatus",
                            "sc-win32-status",
                            "sc-bytes",
                            "cs-bytes",
                            "time-taken"));

    /** The last {@code #Fields} header an IIS log sent, which rules the lines after it. */
    private List<String> iisFields;

    public AccessLogDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        if (line.startsWith("#")) {
            if (line.startsWith("#Fields:")) {
                List<String> f = List.of(line.substring(8).strip().split("\\s+"));
                if (!f.contains("date") || !f.contains("time")) {
                    throw new DecodeException(
                            DecodeException.Reason.MALFORMED,
                            "IIS #Fields header without date and time");
                }
                iisFields = f;
            }
            // W3C directives (#Software, #Version, #Date, #Fields) carry no event.
            return null;
        }
        SecurityEvent e = newEvent(line);
        Matcher iis = IIS_START.matcher(line);
        if (iis.lookingAt() && !AccessLogFormat.hasDate(line)) {
            // W3C extended log (IIS): space-separated fields, no bracketed date.
            iis(line, e);
            return e;
        }
        String body = line;
        SyslogHeader h =
                line.startsWith("<")
                                || Character.isLetter(line.charAt(0))
                                || Character.isDigit(line.charAt(0))
                        ? SyslogHeader.parse(line, record, options)
                        : null;
        if (h != null && h.program() != null) {
            h.applyTo(e, options);
            e.ensureEvent().module = SOURCE;
            body = h.message();
        }
        if (!AccessLogFormat.parse(body, e, options)) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "not an access log line (common, combined or IIS W3C)");
        }
        return e;
    }

    private void iis(String line, SecurityEvent e) throws DecodeException {
        String[] t = line.split(" ");
        List<String> names =
                iisFields != null && iisFields.size() == t.length
                        ? iisFields
                        : IIS_LAYOUTS.get(t.length);
        if (names == null) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED,
                    "IIS line with " + t.length + " fields and no matching #Fields header");
        }
        Map<String, String> f = new HashMap<>();
        for (int i = 0; i < t.length; i++) {
            f.put(names.get(i), t[i]);
        }
        // W3C extended logs are always written in UTC.
        e.timestamp = Times.iso(f.get("date") + "T" + f.get("time"), ZoneOffset.UTC);
        String method = dash(f.get("cs-method"));
        if (method != null
                && !METHODS.contains(method.toUpperCase(Locale.ROOT))
                && !Scan.method(method)) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED,
                    "IIS line with method '" + DecoderSupport.cap(method, 20) + "'");
        }
        String stem = dash(f.get("cs-uri-stem"));
        String query = dash(f.get("cs-uri-query"));
        if (method != null) {
            e.ensureHttp().ensureRequest().method = method;
        }
        if (stem != null) {
            SecurityEvent.Url u = e.ensureUrl();
            u.path = stem;
            u.query = query;
            u.original = query == null ? stem : stem + "?" + query;
        }
        Net.source(e, dash(f.get("c-ip")), null);
        Net.destination(e, dash(f.get("s-ip")), DecoderSupport.port(f.get("s-port")));
        String user = dash(f.get("cs-username"));
        if (user != null) {
            e.ensureUser().name = user;
        }
        String ua = dash(f.get("cs(User-Agent)"));
        if (ua != null) {
            e.ensureUserAgent().original = ua.replace('+', ' ');
        }
        String ref = dash(f.get("cs(Referer)"));
        if (ref != null) {
            e.ensureHttp().ensureRequest().referrer = ref;
        }
        String host = dash(f.get("cs-host"));
        if (host != null) {
            e.ensureUrl().domain = host;
        }
        String computer = dash(f.get("s-computername"));
        if (computer != null) {
            e.ensureHost().name = computer;
        }
        e.field("iis.site", dash(f.get("s-sitename")));
        e.field("iis.substatus", dash(f.get("sc-substatus")));
        e.field("iis.win32_status", dash(f.get("sc-win32-status")));
        e.field("iis.time_taken", dash(f.get("time-taken")));
        e.field("http.version", dash(f.get("cs-version")));
        String st = dash(f.get("sc-status"));
        Integer status = st != null && Scan.digits(st, 3, 3) ? Integer.valueOf(st) : null;
        if (st != null && status == null) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED,
                    "IIS status '" + DecoderSupport.cap(st, 20) + "'");
        }
        String bytes = dash(f.get("sc-bytes"));
        AccessLogFormat.response(e, status, bytes == null ? null : parseLong(bytes));
        e.ensureEvent().dataset = SOURCE + ".iis";
    }

    private static String dash(String s) {
        return s == null || s.equals("-") || s.isEmpty() ? null : s;
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
