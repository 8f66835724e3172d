package org.socengine.connectors.decode.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
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
 * NetFlow v5, v9 and IPFIX flow records as JSON, in the field names of the collectors departments
 * run: pmacct's nfacctd/sfacctd Kafka output ({@code ip_src}, {@code port_dst}, {@code
 * timestamp_start}), goflow2 in both its JSON generations ({@code src_addr}, {@code
 * time_flow_start_ns}; and the older {@code SrcAddr}, {@code TimeFlowStart}, with addresses as
 * base64 bytes), and IPFIX information element names ({@code sourceIPv4Address}).
 *
 * <p>Keys are compared without case and underscores, so {@code src_addr} and {@code SrcAddr} are
 * the same field.
 */
public class NetflowDecoder extends TextDecoder {

    public static final String SOURCE = "netflow";

    public NetflowDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        JsonNode n = JsonRecords.object(line);
        Map<String, String> f = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> x = it.next();
            JsonNode v = x.getValue();
            if (v.isValueNode() && !v.isNull()) {
                f.put(norm(x.getKey()), JsonRecords.scalar(v));
            }
        }
        String src =
                address(
                        first(
                                f,
                                "ipsrc",
                                "srcaddr",
                                "srcip",
                                "sourceipv4address",
                                "sourceipv6address",
                                "ipv4srcaddr",
                                "ipv6srcaddr",
                                "sa"));
        String dst =
                address(
                        first(
                                f,
                                "ipdst",
                                "dstaddr",
                                "dstip",
                                "destinationipv4address",
                                "destinationipv6address",
                                "ipv4dstaddr",
                                "ipv6dstaddr",
                                "da"));
        if (src == null && dst == null) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "JSON without flow addresses (ip_src/src_addr/sourceIPv4Address)");
        }
        Long bytes = number(first(f, "bytes", "octetdeltacount", "inbytes", "ibyt"));
        Long packets = number(first(f, "packets", "packetdeltacount", "inpkts", "ipkt"));
        if (bytes == null && packets == null) {
            // Every collector writes the flow's counters; a record with addresses but no counters
            // is another format (an IDS event) sent to the wrong topic.
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "JSON without flow counters (bytes/packets)");
        }
        SecurityEvent e = newEvent(line);
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "connection";
        ev.action = "flow";
        String type = first(f, "type", "flowtype");
        ev.dataset =
                SOURCE
                        + "."
                        + (type == null
                                ? "flow"
                                : Scan.underscore(type.toLowerCase(Locale.ROOT), true));
        e.field("netflow.type", type);
        e.field("pmacct.event_type", f.get("eventtype"));
        e.field("pmacct.writer_id", f.get("writerid"));
        Net.source(
                e,
                src,
                DecoderSupport.port(
                        first(f, "portsrc", "srcport", "sourcetransportport", "l4srcport", "sp")));
        Net.destination(
                e,
                dst,
                DecoderSupport.port(
                        first(
                                f,
                                "portdst",
                                "dstport",
                                "destinationtransportport",
                                "l4dstport",
                                "dp")));
        String proto = first(f, "ipproto", "proto", "protocolidentifier", "protocol", "pr");
        if (proto != null) {
            e.ensureNetwork().transport = Net.transport(proto);
        }
        if (bytes != null) {
            e.ensureNetwork().bytes = bytes;
            e.ensureSource().bytes = bytes;
        }
        if (packets != null) {
            e.ensureNetwork().packets = packets;
            e.ensureSource().packets = packets;
        }
        String exporter = first(f, "peeripsrc", "sampleraddress", "exporter", "exporteraddress");
        if (exporter != null) {
            String ip = address(exporter);
            SecurityEvent.Observer obs = e.ensureObserver();
            obs.ip = ip;
            obs.type = "router";
            if (ip == null) {
                obs.hostname = exporter;
            }
        }
        e.field("netflow.tcp_flags", first(f, "tcpflags"));
        e.field("netflow.tos", first(f, "tos", "iptos", "ipclassofservice"));
        e.field("netflow.in_if", first(f, "ifacein", "inif", "ingressinterface"));
        e.field("netflow.out_if", first(f, "ifaceout", "outif", "egressinterface"));
        e.field("netflow.src_as", first(f, "assrc", "srcas", "bgpsourceasnumber"));
        e.field("netflow.dst_as", first(f, "asdst", "dstas", "bgpdestinationasnumber"));
        e.field("netflow.sampling_rate", first(f, "samplingrate"));
        e.field("netflow.sequence_num", first(f, "sequencenum"));
        String smac = first(f, "macsrc", "srcmac", "sourcemacaddress");
        String dmac = first(f, "macdst", "dstmac", "destinationmacaddress");
        if (smac != null) {
            e.ensureSource().mac = smac;
        }
        if (dmac != null) {
            e.ensureDestination().mac = dmac;
        }
        String start =
                first(
                        f,
                        "timestampstart",
                        "timeflowstartns",
                        "timeflowstartms",
                        "timeflowstart",
                        "flowstartmilliseconds",
                        "flowstartseconds",
                        "firstswitched",
                        "first");
        String end =
                first(
                        f,
                        "timestampend",
                        "timeflowendns",
                        "timeflowendms",
                        "timeflowend",
                        "flowendmilliseconds",
                        "flowendseconds",
                        "lastswitched",
                        "last");
        String received =
                first(
                        f,
                        "timestamparrival",
                        "timereceivedns",
                        "timereceived",
                        "stampinserted",
                        "stampupdated");
        e.field("netflow.start", start);
        e.field("netflow.end", end);
        // The flow's own start is when the traffic happened; the collector's arrival time only
        // when the exporter sent no usable times (some v9 templates carry none, and a zero start
        // means uptime-relative times the collector could not convert).
        long t = time(start);
        if (t <= 0) {
            t = time(end);
        }
        if (t <= 0) {
            t = time(received);
        }
        e.timestamp = t > 0 ? t : Times.received(record, "flow record");
        return e;
    }

    private long time(String s) throws DecodeException {
        if (s == null
                || s.equals("0")
                || s.startsWith("0000-00-00")
                || s.startsWith("1970-01-01")) {
            return 0;
        }
        return Times.any(s, options.zone());
    }

    private static String norm(String key) {
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '_' && c != '-' && c != '.') {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }

    private static String first(Map<String, String> f, String... keys) {
        for (String k : keys) {
            String v = f.get(k);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** An IP literal, or the base64 address bytes of the first goflow JSON generation. */
    private static String address(String s) {
        if (s == null) {
            return null;
        }
        String ip = Net.ip(s);
        if (ip != null) {
            return ip;
        }
        if (s.length() == 8 || s.length() == 24) {
            try {
                byte[] b = Base64.getDecoder().decode(s);
                if (b.length == 4 || b.length == 16) {
                    return InetAddress.getByAddress(b).getHostAddress();
                }
            } catch (IllegalArgumentException | UnknownHostException ex) {
                return s;
            }
        }
        return s;
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException ex) {
            return null;
        }
    }
}
