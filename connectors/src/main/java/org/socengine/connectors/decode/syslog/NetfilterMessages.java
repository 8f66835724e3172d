package org.socengine.connectors.decode.syslog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.model.SecurityEvent;

/**
 * Linux netfilter LOG target lines as the kernel writes them ({@code [UFW BLOCK] IN=eth0 OUT=
 * SRC=... DST=... PROTO=TCP SPT=... DPT=...}). The text before {@code IN=} is the rule's log
 * prefix, which is how administrators say what the rule did; the disposition is read from it.
 */
public final class NetfilterMessages {

    private static final Pattern UPTIME = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s*");
    private static final Pattern FLAG = Pattern.compile("\\b(SYN|ACK|FIN|RST|PSH|URG|CWR|ECE)\\b");
    private static final Pattern DENY = Pattern.compile("(?i)drop|block|reject|deny|denied|refuse");
    private static final Pattern ALLOW = Pattern.compile("(?i)accept|allow|permit|pass");

    private NetfilterMessages() {}

    /**
     * The {@code KEY=value} pairs as {@code (?:^|\s)([A-Z]+)=(\S*)} found them one after the other:
     * a key is a run of capitals at the start or after whitespace.
     */
    public static java.util.List<String[]> upperPairs(String s) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        int n = s.length();
        int start = 0;
        while (start <= n) {
            int k = start;
            while (k < n && s.charAt(k) >= 'A' && s.charAt(k) <= 'Z') {
                k++;
            }
            int next = start;
            if (k > start && k < n && s.charAt(k) == '=') {
                int end = k + 1;
                while (end < n && !Scan.isSpace(s.charAt(end))) {
                    end++;
                }
                out.add(new String[] {s.substring(start, k), s.substring(k + 1, end)});
                next = end;
            }
            // The next key starts after the next whitespace.
            while (next < n && !Scan.isSpace(s.charAt(next))) {
                next++;
            }
            start = next + 1;
        }
        return out;
    }

    /** True when the message is a netfilter log line. */
    static boolean looksLike(String msg) {
        return msg.contains("SRC=") && msg.contains("DST=") && msg.contains("IN=");
    }

    static void parse(String msg, SecurityEvent e) {
        String body = UPTIME.matcher(msg).replaceFirst("");
        int in = body.indexOf("IN=");
        String prefix = body.substring(0, in).strip();
        String kvs = body.substring(in);
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.dataset = "syslog.netfilter";
        if (!prefix.isEmpty()) {
            e.field("netfilter.prefix", prefix);
            e.ensureRule().name = prefix;
        }
        if (DENY.matcher(prefix).find()) {
            ev.type = "denied";
            ev.action = "connection_denied";
            ev.outcome = "failure";
        } else if (ALLOW.matcher(prefix).find()) {
            ev.type = "allowed";
            ev.action = "connection_allowed";
            ev.outcome = "success";
        } else {
            ev.type = "connection";
            ev.action = "firewall_packet_logged";
        }
        String src = null;
        String dst = null;
        Integer spt = null;
        Integer dpt = null;
        boolean seenLen = false;
        for (String[] kv : upperPairs(kvs)) {
            String k = kv[0];
            String v = kv[1];
            switch (k) {
                case "IN" -> e.field("netfilter.in", emptyToNull(v));
                case "OUT" -> e.field("netfilter.out", emptyToNull(v));
                case "MAC" -> e.field("netfilter.mac", emptyToNull(v));
                case "SRC" -> src = v;
                case "DST" -> dst = v;
                case "PROTO" -> e.ensureNetwork().transport = Net.transport(v);
                case "SPT" -> spt = DecoderSupport.port(v);
                case "DPT" -> dpt = DecoderSupport.port(v);
                case "LEN" -> {
                    // The first LEN is the IP packet length; a second one is the UDP length.
                    if (!seenLen && v.chars().allMatch(Character::isDigit) && v.length() < 10) {
                        e.ensureNetwork().bytes = Long.parseLong(v);
                        e.ensureNetwork().packets = 1L;
                    }
                    seenLen = true;
                }
                case "TTL", "TOS", "ID", "TYPE", "CODE", "MARK", "WINDOW", "PREC" ->
                        e.field("netfilter." + k.toLowerCase(Locale.ROOT), v);
                default -> {}
            }
        }
        StringBuilder flags = new StringBuilder();
        Matcher f = FLAG.matcher(kvs);
        while (f.find()) {
            flags.append(flags.length() == 0 ? "" : " ").append(f.group(1));
        }
        if (flags.length() > 0) {
            e.field("netfilter.tcp_flags", flags.toString());
        }
        Net.source(e, src, spt);
        Net.destination(e, dst, dpt);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
