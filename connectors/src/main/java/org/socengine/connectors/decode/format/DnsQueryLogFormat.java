package org.socengine.connectors.decode.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.model.SecurityEvent;

/**
 * DNS server query log messages: BIND's query log and dnsmasq's {@code log-queries} lines (queries,
 * forwards, replies, cache and config answers, also with {@code log-queries=extra}). Sent as the
 * source {@code dns} or as the message of a {@code named} or {@code dnsmasq} syslog line.
 */
public final class DnsQueryLogFormat {

    private static final String MODULE = "dns";

    private static final Pattern BIND_PREFIX =
            Pattern.compile("^(?:[\\w-]+: )?(?:info|notice|debug \\d+|warning|error|critical): ");
    private static final String BIND_QUERY_REGEX =
            "client (?:@0x[0-9a-fA-F]+ )?([0-9a-fA-F:.]+)#(\\d+)(?: \\(([^)]*)\\))?: (?:view ([^:]+): )?query: (\\S+) (\\S+) (\\S+) (\\S*)(?: \\(([0-9a-fA-F:.]+)\\))?";
    private static final String BIND_DENIED_REGEX =
            "client (?:@0x[0-9a-fA-F]+ )?([0-9a-fA-F:.]+)#(\\d+)(?: \\(([^)]*)\\))?: (?:view ([^:]+): )?(query|update|zone transfer|query \\(cache\\)) '([^/']+)/([^/']+)/([^']+)' denied";

    /**
     * Tried at the first {@code client } only (where every real line has its one match); an attempt
     * can scan to the end of the line, so retrying it at each later {@code client } was quadratic.
     * A match further on is found by the RE2/J twin, in linear time.
     */
    private static final Pattern BIND_QUERY = Pattern.compile(BIND_QUERY_REGEX);

    private static final Pattern BIND_DENIED = Pattern.compile(BIND_DENIED_REGEX);
    private static final com.google.re2j.Pattern BIND_QUERY_LATER =
            com.google.re2j.Pattern.compile(BIND_QUERY_REGEX);
    private static final com.google.re2j.Pattern BIND_DENIED_LATER =
            com.google.re2j.Pattern.compile(BIND_DENIED_REGEX);
    private static final Pattern DNSMASQ_EXTRA =
            Pattern.compile("^(\\d+) ([0-9a-fA-F:.]+)/(\\d+) (.*)$", Pattern.DOTALL);
    private static final Pattern DNSMASQ_QUERY =
            Pattern.compile("^query\\[(\\w+)\\] (\\S+) from ([0-9a-fA-F:.]+)");
    private static final Pattern DNSMASQ_ANSWER =
            Pattern.compile(
                    "^(reply|cached|config|cached-stale|validation|(?:/\\S+)) (\\S+) is (.*)$");
    private static final Pattern DNSMASQ_FORWARDED =
            Pattern.compile("^forwarded (\\S+) to ([0-9a-fA-F:.]+)");

    private DnsQueryLogFormat() {}

    /** The message without BIND's category and severity ({@code queries: info: }). */
    public static String withoutBindPrefix(String message) {
        return BIND_PREFIX.matcher(message).replaceFirst("");
    }

    /** A BIND query log message (after time and category); true when it was one. */
    public static boolean parseBind(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        String[] m = find(BIND_QUERY, BIND_QUERY_LATER, msg);
        if (m != null) {
            dns(e, "dns_query", "success");
            Net.source(e, m[1], DecoderSupport.port(m[2]));
            e.field("bind.view", m[4]);
            SecurityEvent.Question q = e.ensureDns().ensureQuestion();
            q.name = m[5];
            e.field("dns.question.class", m[6]);
            q.type = m[7];
            String flags = m[8];
            e.field("bind.flags", flags);
            if (flags.startsWith("+")) {
                e.field("dns.recursion_desired", "true");
            }
            if (m[9] != null) {
                Net.destination(e, m[9], null);
            }
            ev.dataset = MODULE + ".bind";
            return true;
        }
        m = find(BIND_DENIED, BIND_DENIED_LATER, msg);
        if (m != null) {
            dns(e, "dns_query_denied", "failure");
            ev.type = "denied";
            Net.source(e, m[1], DecoderSupport.port(m[2]));
            e.field("bind.view", m[4]);
            e.field("bind.request", m[5]);
            SecurityEvent.Question q = e.ensureDns().ensureQuestion();
            q.name = m[6];
            q.type = m[7];
            e.field("dns.question.class", m[8]);
            ev.dataset = MODULE + ".bind";
            return true;
        }
        return false;
    }

    /**
     * The groups of the leftmost match of a pattern that starts with {@code client }, as {@code
     * find()} would give them, or null.
     */
    private static String[] find(Pattern first, com.google.re2j.Pattern later, String msg) {
        int at = msg.indexOf("client ");
        if (at < 0) {
            return null;
        }
        Matcher m = first.matcher(msg).region(at, msg.length());
        if (m.lookingAt()) {
            String[] g = new String[m.groupCount() + 1];
            for (int i = 0; i < g.length; i++) {
                g[i] = m.group(i);
            }
            return g;
        }
        com.google.re2j.Matcher r = later.matcher(msg);
        if (!r.find(at + 1)) {
            return null;
        }
        String[] g = new String[r.groupCount() + 1];
        for (int i = 0; i < g.length; i++) {
            g[i] = r.group(i);
        }
        return g;
    }

    /** A dnsmasq log message; true when it was one of its DNS lines. */
    public static boolean parseDnsmasq(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        Matcher x = DNSMASQ_EXTRA.matcher(msg);
        if (x.matches()) {
            e.field("dnsmasq.serial", x.group(1));
            Net.source(e, x.group(2), DecoderSupport.port(x.group(3)));
            msg = x.group(4);
        }
        Matcher m;
        if ((m = DNSMASQ_QUERY.matcher(msg)).lookingAt()) {
            dns(e, "dns_query", "success");
            SecurityEvent.Question q = e.ensureDns().ensureQuestion();
            q.type = m.group(1);
            q.name = m.group(2);
            if (e.source == null || e.source.ip == null) {
                Net.source(e, m.group(3), null);
            }
        } else if ((m = DNSMASQ_ANSWER.matcher(msg)).lookingAt()) {
            String answer = m.group(3).strip();
            boolean nx = answer.startsWith("NXDOMAIN");
            dns(
                    e,
                    "dns_answer",
                    nx || answer.startsWith("SERVFAIL") || answer.startsWith("REFUSED")
                            ? "failure"
                            : "success");
            e.ensureDns().type = "answer";
            e.dns.ensureQuestion().name = m.group(2);
            e.dns.response_code =
                    nx
                            ? "NXDOMAIN"
                            : answer.startsWith("SERVFAIL")
                                    ? "SERVFAIL"
                                    : answer.startsWith("REFUSED") ? "REFUSED" : "NOERROR";
            e.field("dns.answers", DecoderSupport.cap(answer, 1024));
            e.field("dnsmasq.answer_from", m.group(1));
        } else if ((m = DNSMASQ_FORWARDED.matcher(msg)).lookingAt()) {
            dns(e, "dns_forwarded", "success");
            e.ensureDns().ensureQuestion().name = m.group(1);
            Net.destination(e, m.group(2), 53);
        } else {
            return false;
        }
        ev.dataset = MODULE + ".dnsmasq";
        return true;
    }

    private static void dns(SecurityEvent e, String action, String outcome) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.type = "protocol";
        ev.action = action;
        ev.outcome = outcome;
        e.ensureNetwork().protocol = "dns";
        SecurityEvent.Dns d = e.ensureDns();
        d.type = action.equals("dns_answer") ? "answer" : "query";
    }
}
