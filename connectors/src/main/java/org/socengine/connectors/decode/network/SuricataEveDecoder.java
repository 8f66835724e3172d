package org.socengine.connectors.decode.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
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
 * Suricata EVE JSON, one object a line: alert, flow, dns (EVE versions 2 and 3), http, tls, ssh,
 * fileinfo, anomaly, smb, dcerpc, stats, and any other application-layer record with the common
 * five-tuple. Also reads an EVE line that Filebeat shipped unparsed in {@code message}.
 */
public class SuricataEveDecoder extends TextDecoder {

    public static final String SOURCE = "suricata";

    public SuricataEveDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        JsonNode n = JsonRecords.object(line);
        if (!n.has("event_type") && JsonRecords.text(n, "message") != null) {
            String inner = JsonRecords.text(n, "message");
            if (inner.startsWith("{")) {
                n = JsonRecords.object(inner);
            }
        }
        String type = JsonRecords.text(n, "event_type");
        if (type == null) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "JSON without event_type: not Suricata EVE");
        }
        type = type.toLowerCase(Locale.ROOT);
        if (!Scan.lowerWord(type, 32)) {
            throw new DecodeException(DecodeException.Reason.MALFORMED, "bad event_type");
        }
        SecurityEvent e = newEvent(line);
        e.timestamp = Times.iso(JsonRecords.text(n, "timestamp"), options.zone());
        SecurityEvent.Event ev = e.ensureEvent();
        ev.dataset = SOURCE + "." + type;
        SecurityEvent.Observer obs = e.ensureObserver();
        obs.vendor = "OISF";
        obs.product = "Suricata";
        obs.type = "ids";
        String sensor = JsonRecords.text(n, "host");
        if (sensor != null) {
            obs.hostname = sensor;
        }
        Net.source(e, JsonRecords.text(n, "src_ip"), JsonRecords.intValue(n, "src_port"));
        Net.destination(e, JsonRecords.text(n, "dest_ip"), JsonRecords.intValue(n, "dest_port"));
        String proto = JsonRecords.text(n, "proto");
        if (proto != null) {
            e.ensureNetwork().transport = Net.transport(proto);
        }
        String app = JsonRecords.text(n, "app_proto");
        if (app != null && !app.equals("failed")) {
            e.ensureNetwork().protocol = app.toLowerCase(Locale.ROOT);
        }
        String cid = JsonRecords.text(n, "community_id");
        if (cid != null) {
            e.ensureNetwork().community_id = cid;
        }
        e.field("suricata.flow_id", JsonRecords.text(n, "flow_id"));
        e.field("suricata.in_iface", JsonRecords.text(n, "in_iface"));
        e.field("suricata.tx_id", JsonRecords.text(n, "tx_id"));
        String direction = JsonRecords.text(n, "direction");
        if (direction != null) {
            e.field("suricata.direction", direction);
        }
        ev.category = "network";
        switch (type) {
            case "alert" -> alert(n.get("alert"), e);
            case "flow", "netflow" -> flow(n.get("flow"), e, type);
            case "dns" -> dns(n.get("dns"), e);
            case "http" -> http(n.get("http"), e);
            case "tls" -> tls(n.get("tls"), e);
            case "ssh" -> ssh(n.get("ssh"), e);
            case "fileinfo" -> fileinfo(n.get("fileinfo"), e);
            case "anomaly" -> anomaly(n.get("anomaly"), e);
            case "stats" -> {
                ev.kind = "metric";
                ev.category = "host";
                ev.action = "ids_stats";
                e.field("suricata.stats.uptime", JsonRecords.path(n, "stats.uptime"));
            }
            default -> {
                ev.type = "protocol";
                ev.action = type + "_transaction";
                JsonNode sub = n.get(type);
                scalars(sub, type, e, 0);
            }
        }
        // Alerts (and fileinfo) carry the application record that triggered them.
        if (!type.equals("http") && n.has("http")) {
            httpFields(n.get("http"), e);
        }
        if (!type.equals("dns") && n.has("dns") && n.get("dns").isObject()) {
            dnsFields(n.get("dns"), e);
        }
        if (!type.equals("tls") && n.has("tls")) {
            tlsFields(n.get("tls"), e);
        }
        if (!type.equals("smb") && n.has("smb")) {
            scalars(n.get("smb"), "smb", e, 0);
        }
        if (!type.equals("flow") && n.get("flow") != null && n.get("flow").isObject()) {
            flowCounters(n.get("flow"), e);
        }
        return e;
    }

    private static void alert(JsonNode a, SecurityEvent e) throws DecodeException {
        if (a == null || !a.isObject()) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "alert record without alert object");
        }
        SecurityEvent.Event ev = e.ensureEvent();
        ev.kind = "alert";
        ev.category = "intrusion_detection";
        ev.action = "ids_alert";
        String action = JsonRecords.text(a, "action");
        ev.type = "blocked".equals(action) ? "denied" : "allowed";
        ev.severity = JsonRecords.intValue(a, "severity");
        SecurityEvent.Rule r = e.ensureRule();
        r.id = JsonRecords.text(a, "signature_id");
        r.name = JsonRecords.text(a, "signature");
        r.category = JsonRecords.text(a, "category");
        e.field("suricata.alert.action", action);
        e.field("suricata.alert.gid", JsonRecords.text(a, "gid"));
        e.field("suricata.alert.rev", JsonRecords.text(a, "rev"));
        JsonNode meta = a.get("metadata");
        if (meta != null && meta.isObject()) {
            Iterator<String> names = meta.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                JsonNode v = meta.get(k);
                if (v.isArray() && v.size() > 0) {
                    StringBuilder b = new StringBuilder();
                    for (JsonNode x : v) {
                        b.append(b.length() == 0 ? "" : ",").append(x.asText());
                    }
                    e.field("suricata.alert.metadata." + k, DecoderSupport.cap(b.toString(), 1024));
                }
            }
        }
    }

    private static void flow(JsonNode f, SecurityEvent e, String type) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "connection";
        ev.action = "flow";
        ev.outcome = "success";
        if (f != null && f.isObject()) {
            flowCounters(f, e);
            e.field("suricata.flow.state", JsonRecords.text(f, "state"));
            e.field("suricata.flow.reason", JsonRecords.text(f, "reason"));
            e.field("suricata.flow.age", JsonRecords.text(f, "age"));
            e.field("suricata.flow.alerted", JsonRecords.text(f, "alerted"));
            e.field("suricata.flow.start", JsonRecords.text(f, "start"));
            e.field("suricata.flow.end", JsonRecords.text(f, "end"));
        }
    }

    private static void flowCounters(JsonNode f, SecurityEvent e) {
        Long ps = JsonRecords.longValue(f, "pkts_toserver");
        Long pc = JsonRecords.longValue(f, "pkts_toclient");
        Long bs = JsonRecords.longValue(f, "bytes_toserver");
        Long bc = JsonRecords.longValue(f, "bytes_toclient");
        if (bs != null) {
            e.ensureSource().bytes = bs;
        }
        if (bc != null) {
            e.ensureDestination().bytes = bc;
        }
        if (ps != null) {
            e.ensureSource().packets = ps;
        }
        if (pc != null) {
            e.ensureDestination().packets = pc;
        }
        if (bs != null || bc != null) {
            e.ensureNetwork().bytes = (bs == null ? 0 : bs) + (bc == null ? 0 : bc);
        }
        if (ps != null || pc != null) {
            e.ensureNetwork().packets = (ps == null ? 0 : ps) + (pc == null ? 0 : pc);
        }
    }

    private static void dns(JsonNode d, SecurityEvent e) throws DecodeException {
        if (d == null || !d.isObject()) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "dns record without dns object");
        }
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "protocol";
        String t = JsonRecords.text(d, "type");
        ev.action = "answer".equals(t) || "response".equals(t) ? "dns_answer" : "dns_query";
        e.ensureNetwork().protocol = "dns";
        dnsFields(d, e);
    }

    private static void dnsFields(JsonNode d, SecurityEvent e) {
        SecurityEvent.Dns dns = e.ensureDns();
        String t = JsonRecords.text(d, "type");
        if (t != null) {
            dns.type = "answer".equals(t) || "response".equals(t) ? "answer" : "query";
        }
        String name = JsonRecords.text(d, "rrname");
        String rrtype = JsonRecords.text(d, "rrtype");
        JsonNode queries = d.get("queries");
        if (name == null && queries != null && queries.isArray() && queries.size() > 0) {
            // EVE version 3 (Suricata 8) lists the questions.
            name = JsonRecords.text(queries.get(0), "rrname");
            rrtype = JsonRecords.text(queries.get(0), "rrtype");
        }
        if (name != null) {
            dns.ensureQuestion().name = name;
        }
        if (rrtype != null) {
            dns.ensureQuestion().type = rrtype;
        }
        String rcode = JsonRecords.text(d, "rcode");
        if (rcode != null) {
            dns.response_code = rcode;
        }
        e.field("dns.id", JsonRecords.text(d, "id"));
        JsonNode answers = d.get("answers");
        if (answers != null && answers.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode a : answers) {
                String data = JsonRecords.text(a, "rdata");
                if (data != null) {
                    b.append(b.length() == 0 ? "" : ",").append(data);
                }
            }
            if (b.length() > 0) {
                e.field("dns.answers", DecoderSupport.cap(b.toString(), 2048));
            }
        }
        JsonNode grouped = d.get("grouped");
        if (grouped != null && grouped.isObject()) {
            StringBuilder b = new StringBuilder();
            grouped.fields()
                    .forEachRemaining(
                            x -> {
                                if (x.getValue().isArray()) {
                                    for (JsonNode v : x.getValue()) {
                                        b.append(b.length() == 0 ? "" : ",").append(v.asText());
                                    }
                                }
                            });
            if (b.length() > 0) {
                e.field("dns.answers", DecoderSupport.cap(b.toString(), 2048));
            }
        }
    }

    private static void http(JsonNode h, SecurityEvent e) throws DecodeException {
        if (h == null || !h.isObject()) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "http record without http object");
        }
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "web";
        ev.type = "access";
        ev.action = "http_request";
        httpFields(h, e);
        Integer status = JsonRecords.intValue(h, "status");
        if (status != null) {
            ev.outcome = status < 400 ? "success" : "failure";
        }
    }

    private static void httpFields(JsonNode h, SecurityEvent e) {
        if (h == null || !h.isObject()) {
            return;
        }
        String url = JsonRecords.text(h, "url");
        if (url != null) {
            SecurityEvent.Url u = e.ensureUrl();
            u.original = url;
            int q = url.indexOf('?');
            u.path = q < 0 ? url : url.substring(0, q);
            u.query = q < 0 ? null : url.substring(q + 1);
        }
        String host = JsonRecords.text(h, "hostname");
        if (host != null) {
            e.ensureUrl().domain = host;
        }
        String method = JsonRecords.text(h, "http_method");
        if (method != null) {
            e.ensureHttp().ensureRequest().method = method;
        }
        String ref = JsonRecords.text(h, "http_refer");
        if (ref != null) {
            e.ensureHttp().ensureRequest().referrer = ref;
        }
        Integer status = JsonRecords.intValue(h, "status");
        if (status != null) {
            e.ensureHttp().ensureResponse().status_code = status;
        }
        Long length = JsonRecords.longValue(h, "length");
        if (length != null) {
            e.ensureHttp().ensureResponse().bytes = length;
        }
        String ua = JsonRecords.text(h, "http_user_agent");
        if (ua != null) {
            e.ensureUserAgent().original = ua;
        }
        e.field("http.version", JsonRecords.text(h, "protocol"));
        e.field("http.response.mime_type", JsonRecords.text(h, "http_content_type"));
    }

    private static void tls(JsonNode t, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "protocol";
        ev.action = "tls_handshake";
        e.ensureNetwork().protocol = "tls";
        tlsFields(t, e);
    }

    private static void tlsFields(JsonNode t, SecurityEvent e) {
        if (t == null || !t.isObject()) {
            return;
        }
        String sni = JsonRecords.text(t, "sni");
        if (sni != null) {
            e.field("tls.client.server_name", sni);
            e.ensureDestination().domain = sni;
        }
        e.field("tls.version", JsonRecords.text(t, "version"));
        e.field("tls.server.subject", JsonRecords.text(t, "subject"));
        e.field("tls.server.issuer", JsonRecords.text(t, "issuerdn"));
        e.field("tls.server.hash.sha1", JsonRecords.text(t, "fingerprint"));
        e.field("tls.server.not_before", JsonRecords.text(t, "notbefore"));
        e.field("tls.server.not_after", JsonRecords.text(t, "notafter"));
        e.field("tls.client.ja3", JsonRecords.path(t, "ja3.hash"));
        e.field("tls.server.ja3s", JsonRecords.path(t, "ja3s.hash"));
    }

    private static void ssh(JsonNode s, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "protocol";
        ev.action = "ssh_handshake";
        e.ensureNetwork().protocol = "ssh";
        if (s != null && s.isObject()) {
            e.field("ssh.client.software", JsonRecords.path(s, "client.software_version"));
            e.field("ssh.client.proto_version", JsonRecords.path(s, "client.proto_version"));
            e.field("ssh.server.software", JsonRecords.path(s, "server.software_version"));
            e.field("ssh.server.proto_version", JsonRecords.path(s, "server.proto_version"));
            e.field("ssh.client.hassh", JsonRecords.path(s, "client.hassh.hash"));
        }
    }

    private static void fileinfo(JsonNode f, SecurityEvent e) throws DecodeException {
        if (f == null || !f.isObject()) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "fileinfo record without fileinfo object");
        }
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "file";
        ev.type = "info";
        ev.action = "file_transferred";
        String name = JsonRecords.text(f, "filename");
        if (name != null) {
            SecurityEvent.File file = e.ensureFile();
            file.path = name;
            int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
            file.name = cut < 0 ? name : name.substring(cut + 1);
        }
        e.field("file.size", JsonRecords.text(f, "size"));
        e.field("file.hash.md5", JsonRecords.text(f, "md5"));
        e.field("file.hash.sha1", JsonRecords.text(f, "sha1"));
        e.field("file.hash.sha256", JsonRecords.text(f, "sha256"));
        e.field("file.mime_type", JsonRecords.text(f, "mimetype"));
        e.field("file.magic", JsonRecords.text(f, "magic"));
        e.field("suricata.fileinfo.state", JsonRecords.text(f, "state"));
        e.field("suricata.fileinfo.stored", JsonRecords.text(f, "stored"));
    }

    private static void anomaly(JsonNode a, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "protocol";
        ev.action = "protocol_anomaly";
        if (a != null && a.isObject()) {
            String event = JsonRecords.text(a, "event");
            e.ensureRule().name = event;
            e.rule.category = JsonRecords.text(a, "type");
            e.field("suricata.anomaly.type", JsonRecords.text(a, "type"));
            e.field("suricata.anomaly.event", event);
            e.field("suricata.anomaly.layer", JsonRecords.text(a, "layer"));
            e.field("suricata.anomaly.app_proto", JsonRecords.text(a, "app_proto"));
        }
    }

    /** Flattens the scalars of an application record into fields: {@code smb.command}. */
    private static void scalars(JsonNode n, String prefix, SecurityEvent e, int depth) {
        if (n == null || !n.isObject() || depth > 2) {
            return;
        }
        Iterator<String> names = n.fieldNames();
        int count = 0;
        while (names.hasNext() && count++ < 64) {
            String k = names.next();
            JsonNode v = n.get(k);
            if (v.isValueNode()) {
                e.field(prefix + "." + k, DecoderSupport.cap(v.asText(), 1024));
            } else if (v.isObject()) {
                scalars(v, prefix + "." + k, e, depth + 1);
            }
        }
    }
}
