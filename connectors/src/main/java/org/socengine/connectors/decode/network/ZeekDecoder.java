package org.socengine.connectors.decode.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.JsonRecords;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.core.Times;
import org.socengine.model.SecurityEvent;

/**
 * Zeek logs, in JSON ({@code LogAscii::use_json=T}, flat {@code id.orig_h} keys or nested {@code
 * id} objects, epoch or ISO {@code ts}) and in Zeek's TSV with its {@code #fields} header: conn,
 * dns, http, ssl, notice, weird, and other logs generically.
 *
 * <p>A TSV header line is a control record: it is remembered and yields no event. Data lines are
 * read with the header of their log, chosen by column count among the headers seen, the latest
 * {@code #path} first; a line that arrives before any header (a consumer that started mid-file) is
 * read with Zeek's default columns of the log whose column count matches.
 */
public class ZeekDecoder extends TextDecoder {

    public static final String SOURCE = "zeek";

    private static final String ID4 = "ts uid id.orig_h id.orig_p id.resp_h id.resp_p ";
    private static final Map<String, List<String>> DEFAULTS =
            Map.of(
                    "conn",
                    cols(
                            ID4
                                    + "proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents"),
                    "dns",
                    cols(
                            ID4
                                    + "proto trans_id rtt query qclass qclass_name qtype qtype_name rcode rcode_name AA TC RD RA Z answers TTLs rejected"),
                    "http",
                    cols(
                            ID4
                                    + "trans_depth method host uri referrer version user_agent origin request_body_len response_body_len status_code status_msg info_code info_msg tags username password proxied orig_fuids orig_filenames orig_mime_types resp_fuids resp_filenames resp_mime_types"),
                    "ssl",
                    cols(
                            ID4
                                    + "version cipher curve server_name resumed last_alert next_protocol established ssl_history cert_chain_fps client_cert_chain_fps sni_matches_cert"),
                    "notice",
                    cols(
                            ID4
                                    + "fuid file_mime_type file_desc proto note msg sub src dst p n peer_descr actions email_dest suppress_for remote_location.country_code remote_location.region remote_location.city remote_location.latitude remote_location.longitude"),
                    "weird",
                    cols(ID4 + "name addl notice peer source"));

    private static final int MAX_HEADERS = 64;

    /** TSV headers seen, by {@code #path}, the least recently declared first. */
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private String lastPath;
    private String unset = "-";
    private String empty = "(empty)";
    private String setSeparator = ",";

    public ZeekDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    private static List<String> cols(String s) {
        return List.of(s.split(" "));
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        if (line.startsWith("#")) {
            header(line);
            return null;
        }
        Map<String, String> f;
        String path;
        if (line.startsWith("{")) {
            JsonNode n = JsonRecords.object(line);
            String tag = null;
            if (n.size() == 1) {
                // The zeek-kafka plugin wraps each record in its log name ({"conn": {...}})
                // unless Kafka::tag_json is off.
                String only = n.fieldNames().next();
                if (n.get(only).isObject() && n.get(only).has("ts")) {
                    tag = only;
                    n = n.get(only);
                }
            }
            f = new HashMap<>();
            flatten(n, "", f, 0);
            path = tag != null ? tag : f.get("_path");
            if (path == null) {
                path = infer(f);
            }
        } else if (line.indexOf('\t') > 0) {
            String[] c = line.split("\t", -1);
            path = null;
            List<String> names = null;
            List<String> current = lastPath == null ? null : headers.get(lastPath);
            if (current != null && current.size() == c.length) {
                path = lastPath;
                names = current;
            } else {
                for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                    if (h.getValue().size() == c.length) {
                        path = h.getKey();
                        names = h.getValue();
                    }
                }
                if (names == null) {
                    for (Map.Entry<String, List<String>> h : DEFAULTS.entrySet()) {
                        if (h.getValue().size() == c.length) {
                            path = h.getKey();
                            names = h.getValue();
                        }
                    }
                }
            }
            if (names == null) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED,
                        "Zeek TSV line with " + c.length + " columns matches no #fields header");
            }
            f = new HashMap<>();
            for (int i = 0; i < c.length; i++) {
                String v = c[i];
                if (!v.equals(unset) && !v.equals(empty) && !v.isEmpty()) {
                    f.put(
                            names.get(i),
                            setSeparator.equals(",") ? v : v.replace(setSeparator, ","));
                }
            }
        } else {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "neither Zeek JSON nor Zeek TSV");
        }
        String ts = f.get("ts");
        if (ts == null) {
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP, "Zeek record without ts");
        }
        SecurityEvent e = newEvent(line);
        e.timestamp = Times.any(ts, options.zone());
        apply(path == null ? "unknown" : path.toLowerCase(Locale.ROOT), f, e);
        return e;
    }

    private void header(String line) throws DecodeException {
        int sp = line.indexOf('\t');
        if (sp < 0) {
            sp = line.indexOf(' ');
        }
        String key = sp < 0 ? line : line.substring(0, sp);
        String value = sp < 0 ? "" : line.substring(sp + 1);
        switch (key) {
            case "#path" -> lastPath = value.strip();
            case "#unset_field" -> unset = value;
            case "#empty_field" -> empty = value;
            case "#set_separator" -> setSeparator = value;
            case "#fields" -> {
                List<String> names = List.of(value.split("\t"));
                if (!names.contains("ts")) {
                    throw new DecodeException(
                            DecodeException.Reason.MALFORMED, "Zeek #fields header without ts");
                }
                String path = lastPath != null ? lastPath : inferFromNames(names);
                headers.remove(path);
                if (headers.size() >= MAX_HEADERS) {
                    // A shipper cycling through endless #path values must not grow the state:
                    // forget the header seen longest ago.
                    headers.remove(headers.keySet().iterator().next());
                }
                headers.put(path, names);
                lastPath = path;
            }
            default -> {
                // #separator, #open, #close, #types: nothing the decoding needs.
            }
        }
    }

    private static String inferFromNames(List<String> names) {
        Map<String, String> f = new HashMap<>();
        for (String n : names) {
            f.put(n, "x");
        }
        return infer(f);
    }

    /** Which log a record belongs to, by its fields, when the shipper did not say. */
    static String infer(Map<String, String> f) {
        if (f.containsKey("note")) {
            return "notice";
        }
        if (f.containsKey("conn_state")
                || f.containsKey("orig_ip_bytes")
                || f.containsKey("history")) {
            return "conn";
        }
        if (f.containsKey("query") || f.containsKey("qtype_name") || f.containsKey("rcode_name")) {
            return "dns";
        }
        if (f.containsKey("method") || f.containsKey("status_code") || f.containsKey("uri")) {
            return "http";
        }
        if (f.containsKey("server_name")
                || f.containsKey("cipher")
                || f.containsKey("ssl_history")) {
            return "ssl";
        }
        if (f.containsKey("name")
                && (f.containsKey("peer") || f.containsKey("addl") || f.containsKey("notice"))) {
            return "weird";
        }
        return "unknown";
    }

    private static void flatten(JsonNode n, String prefix, Map<String, String> out, int depth) {
        if (depth > 4) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> x = it.next();
            String k = prefix + x.getKey();
            JsonNode v = x.getValue();
            if (v.isObject()) {
                flatten(v, k + ".", out, depth + 1);
            } else if (v.isArray()) {
                StringBuilder b = new StringBuilder();
                for (JsonNode a : v) {
                    if (a.isValueNode()) {
                        b.append(b.length() == 0 ? "" : ",").append(a.asText());
                    }
                }
                if (b.length() > 0) {
                    out.put(k, b.toString());
                }
            } else if (!v.isNull()) {
                out.put(k, JsonRecords.scalar(v));
            }
        }
    }

    private void apply(String path, Map<String, String> f, SecurityEvent e) throws DecodeException {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.dataset = SOURCE + "." + path;
        ev.category = "network";
        SecurityEvent.Observer obs = e.ensureObserver();
        obs.vendor = "Zeek";
        obs.product = "Zeek";
        obs.type = "sensor";
        Net.source(e, f.get("id.orig_h"), DecoderSupport.port(f.get("id.orig_p")));
        Net.destination(e, f.get("id.resp_h"), DecoderSupport.port(f.get("id.resp_p")));
        e.field("zeek.uid", f.get("uid"));
        String proto = f.get("proto");
        if (proto != null) {
            e.ensureNetwork().transport = Net.transport(proto);
        }
        String cid = f.get("community_id");
        if (cid != null) {
            e.ensureNetwork().community_id = cid;
        }
        switch (path) {
            case "conn" -> {
                ev.type = "connection";
                ev.action = "flow";
                String state = f.get("conn_state");
                e.field("zeek.conn.state", state);
                e.field("zeek.conn.history", f.get("history"));
                e.field("zeek.conn.duration", f.get("duration"));
                e.field("zeek.conn.local_orig", f.get("local_orig"));
                e.field("zeek.conn.local_resp", f.get("local_resp"));
                if (state != null) {
                    // Rejected or never answered: the connection did not happen.
                    boolean failed =
                            state.equals("REJ")
                                    || state.equals("S0")
                                    || state.startsWith("RSTO") && "S".equals(f.get("history"));
                    ev.outcome = failed ? "failure" : "success";
                }
                String service = f.get("service");
                if (service != null) {
                    e.ensureNetwork().protocol = service.toLowerCase(Locale.ROOT);
                }
                Long ob = number(f.get("orig_bytes"));
                Long rb = number(f.get("resp_bytes"));
                Long op = number(f.get("orig_pkts"));
                Long rp = number(f.get("resp_pkts"));
                if (ob != null) {
                    e.ensureSource().bytes = ob;
                }
                if (rb != null) {
                    e.ensureDestination().bytes = rb;
                }
                if (op != null) {
                    e.ensureSource().packets = op;
                }
                if (rp != null) {
                    e.ensureDestination().packets = rp;
                }
                if (ob != null || rb != null) {
                    e.ensureNetwork().bytes = (ob == null ? 0 : ob) + (rb == null ? 0 : rb);
                }
                if (op != null || rp != null) {
                    e.ensureNetwork().packets = (op == null ? 0 : op) + (rp == null ? 0 : rp);
                }
            }
            case "dns" -> {
                ev.type = "protocol";
                ev.action = "dns_query";
                e.ensureNetwork().protocol = "dns";
                SecurityEvent.Dns d = e.ensureDns();
                d.type = "query";
                String q = f.get("query");
                if (q != null) {
                    d.ensureQuestion().name = q;
                }
                String qt = f.get("qtype_name");
                if (qt != null) {
                    d.ensureQuestion().type = qt;
                }
                String rcode = f.get("rcode_name");
                if (rcode != null) {
                    d.response_code = rcode;
                    d.type = "answer";
                }
                e.field("dns.answers", cap(f.get("answers")));
                e.field("dns.id", f.get("trans_id"));
                e.field("zeek.dns.rejected", f.get("rejected"));
            }
            case "http" -> {
                ev.category = "web";
                ev.type = "access";
                ev.action = "http_request";
                e.ensureNetwork().protocol = "http";
                String method = f.get("method");
                if (method != null) {
                    e.ensureHttp().ensureRequest().method = method;
                }
                String uri = f.get("uri");
                if (uri != null) {
                    SecurityEvent.Url u = e.ensureUrl();
                    u.original = uri;
                    int q = uri.indexOf('?');
                    u.path = q < 0 ? uri : uri.substring(0, q);
                    u.query = q < 0 ? null : uri.substring(q + 1);
                }
                String host = f.get("host");
                if (host != null) {
                    e.ensureUrl().domain = host;
                }
                String ref = f.get("referrer");
                if (ref != null) {
                    e.ensureHttp().ensureRequest().referrer = ref;
                }
                String ua = f.get("user_agent");
                if (ua != null) {
                    e.ensureUserAgent().original = ua;
                }
                Long status = number(f.get("status_code"));
                if (status != null && status < 1000) {
                    e.ensureHttp().ensureResponse().status_code = status.intValue();
                    ev.outcome = status < 400 ? "success" : "failure";
                }
                Long len = number(f.get("response_body_len"));
                if (len != null) {
                    e.ensureHttp().ensureResponse().bytes = len;
                }
                String user = f.get("username");
                if (user != null) {
                    e.ensureUser().name = user;
                }
                e.field("http.version", f.get("version"));
                e.field("zeek.http.resp_mime_types", f.get("resp_mime_types"));
            }
            case "ssl" -> {
                ev.type = "protocol";
                ev.action = "tls_handshake";
                e.ensureNetwork().protocol = "tls";
                String sni = f.get("server_name");
                if (sni != null) {
                    e.field("tls.client.server_name", sni);
                    e.ensureDestination().domain = sni;
                }
                e.field("tls.version", f.get("version"));
                e.field("tls.cipher", f.get("cipher"));
                e.field("tls.established", f.get("established"));
                e.field("tls.client.ja3", f.get("ja3"));
                e.field("tls.server.ja3s", f.get("ja3s"));
                String est = f.get("established");
                if (est != null) {
                    ev.outcome = est.equals("T") || est.equals("true") ? "success" : "failure";
                }
            }
            case "notice" -> {
                ev.kind = "alert";
                ev.category = "intrusion_detection";
                ev.type = "info";
                ev.action = "ids_notice";
                SecurityEvent.Rule r = e.ensureRule();
                r.name = f.get("note");
                r.id = f.get("note");
                e.field("zeek.notice.msg", cap(f.get("msg")));
                e.field("zeek.notice.sub", cap(f.get("sub")));
                e.field("zeek.notice.actions", f.get("actions"));
                if (e.source == null) {
                    Net.source(e, f.get("src"), DecoderSupport.port(portOf(f.get("p"))));
                }
                if (e.destination == null) {
                    Net.destination(e, f.get("dst"), null);
                }
            }
            case "weird" -> {
                ev.type = "protocol";
                ev.action = "protocol_anomaly";
                e.ensureRule().name = f.get("name");
                e.field("zeek.weird.name", f.get("name"));
                e.field("zeek.weird.addl", cap(f.get("addl")));
                e.field("zeek.weird.peer", f.get("peer"));
            }
            default -> {
                ev.type = "info";
                ev.action = Scan.underscore(path, true) + "_log";
                int n = 0;
                for (Map.Entry<String, String> x : f.entrySet()) {
                    if (n++ > 64) {
                        break;
                    }
                    if (!x.getKey().startsWith("id.") && !x.getKey().equals("ts")) {
                        e.field("zeek." + path + "." + x.getKey(), cap(x.getValue()));
                    }
                }
            }
        }
    }

    private static String portOf(String p) {
        if (p == null) {
            return null;
        }
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String cap(String s) {
        return DecoderSupport.cap(s, 2048);
    }
}
