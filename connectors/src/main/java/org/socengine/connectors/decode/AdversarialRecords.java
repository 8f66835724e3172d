package org.socengine.connectors.decode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.socengine.connectors.decode.core.DecoderOptions;

/**
 * Records of the maximum size built to make a decoder slow: long runs of what its scanners and
 * patterns stop on, unterminated quotes, deep nesting, behind a header that sends the record down
 * each of the decoder's paths. Shared by the adversarial test and its benchmark so both measure the
 * same records.
 */
public final class AdversarialRecords {

    /**
     * One hostile record: where it goes, what it is, and how to build its bytes (built on demand:
     * the whole catalogue at full size is gigabytes).
     */
    public record Hostile(String source, String name, String head, String filler, int size) {
        public byte[] value() {
            if (filler.isEmpty()) {
                return head.getBytes(StandardCharsets.UTF_8);
            }
            if (name.equals("closed nesting")) {
                int depth = (size - 16) / 2;
                return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
            }
            return fill(head, filler, size);
        }

        @Override
        public String toString() {
            return source + " " + name;
        }
    }

    /** The record the issue reported: minutes in the ASA decoder before it was made linear. */
    public static final String ASA_REGRESSION = "%ASA-6-999999: " + "a".repeat(100_000);

    /**
     * Just under {@link DecoderOptions#DEFAULT_MAX_RECORD_BYTES}, so it is decoded, not refused.
     */
    public static final int SIZE = DecoderOptions.DEFAULT_MAX_RECORD_BYTES - 64;

    private AdversarialRecords() {}

    /** What fills the record after its header, each repeated up to {@link #SIZE}. */
    static final Map<String, String> FILLERS = fillers();

    private static Map<String, String> fillers() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("letters", "a");
        f.put("non-hex letters", "x");
        f.put("capitals", "A");
        f.put("underscores", "_");
        f.put("digits", "1");
        f.put("spaces", " ");
        f.put("tabs", "\t");
        f.put("equals", "=");
        f.put("pipes", "|");
        f.put("backslashes", "\\");
        f.put("escaped equals", "\\=");
        f.put("escaped pipes", "\\|");
        f.put("quotes", "\"");
        f.put("escaped quotes", "\\\"");
        f.put("unterminated quote", "\"a");
        f.put("colons", ":");
        f.put("digit colons", "1:");
        f.put("letter colons", "a:");
        f.put("dots", "1.");
        f.put("slashes", "/1");
        f.put("endpoints", "a:1.1.1.1/1 ");
        f.put("ip runs", "1.1.1.1 ");
        f.put("key values", "k=v ");
        f.put("key values tab", "k=v\t");
        f.put("keys", "K=");
        f.put("words", "a ");
        f.put("semicolons", " ; ");
        f.put("brackets", "[");
        f.put("parentheses", "(");
        f.put("percent", "%ASA-6-");
        f.put("hashes", "1#");
        f.put("commas", "a,");
        f.put("at", "@");
        f.put("from", " from ");
        f.put("port", " port 1");
        f.put("by access-group", " by access-group \"");
        f.put("on interface", " on interface ");
        f.put("newlines", "a\n");
        f.put("wide", "\u4e2d");
        return f;
    }

    /** Headers that send a record down each path of the source's decoder. */
    static final Map<String, List<String>> HEADERS = headers();

    private static Map<String, List<String>> headers() {
        String sys = "<38>Nov 25 12:00:00 h ";
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put(
                "syslog",
                List.of(
                        "",
                        "<38>",
                        "123 <38>",
                        sys,
                        "<38>1 2026-11-25T12:00:00Z h app 1 - - ",
                        "<38>2026-11-25T12:00:00Z h ",
                        sys + "sshd[1]: ",
                        sys + "sshd[1]: Failed password for ",
                        sys + "sshd[1]: Failed password for invalid user ",
                        sys + "sshd[1]: Accepted password for a from ",
                        sys + "sshd[1]: Invalid user ",
                        sys + "sshd[1]: error: PAM: ",
                        sys + "sshd[1]: Disconnected from user ",
                        sys + "sshd[1]: Received disconnect from ",
                        sys + "sshd[1]: Connection closed by ",
                        sys + "sshd[1]: Address 1.1.1.1 maps to ",
                        sys + "sshd[1]: pam_unix(sshd:auth): authentication failure;",
                        sys + "sshd[1]: pam_unix(sshd:session): session opened for user ",
                        sys + "sudo: ",
                        sys + "sudo: alice : ",
                        sys + "su: ",
                        sys + "su: (to root) ",
                        sys + "CRON[1]: ",
                        sys + "CRON[1]: (root) CMD (",
                        sys + "useradd[1]: new user: name=a, UID=1, GID=1",
                        sys + "groupadd[1]: group '",
                        sys + "kernel: ",
                        sys + "kernel: [ 1.0] IN=eth0 SRC=",
                        sys + "named[1]: client ",
                        sys + "h [ID 1 auth.info] ",
                        sys + "%ASA-6-302013: ",
                        sys + "CEF:0|",
                        sys + "LEEF:1.0|"));
        h.put(
                "cef",
                List.of(
                        "CEF:",
                        "CEF:0|",
                        "CEF:0|a|b|c|d|e|5|",
                        "CEF:0|a|b|c|d|e|5|src=",
                        "CEF:0|a|b|c|d|e|5|rt=",
                        "CEF:0|a|b|c|d|e|5|act=",
                        sys + "CEF:0|a|b|c|d|e|5|k="));
        h.put(
                "leef",
                List.of(
                        "LEEF:",
                        "LEEF:1.0|",
                        "LEEF:1.0|a|b|c|d|",
                        "LEEF:2.0|a|b|c|d|x09|",
                        "LEEF:2.0|a|b|c|d|",
                        "LEEF:1.0|a|b|c|d|devTime=",
                        "LEEF:1.0|a|b|c|d|action=",
                        sys + "LEEF:1.0|a|b|c|d|src="));
        h.put(
                "asa",
                List.of(
                        "%ASA-6-999999: ",
                        "%ASA-",
                        "%ASA-6-302013: Built outbound TCP connection 1 for ",
                        "%ASA-6-302013: Built inbound TCP connection 1 for a:1.1.1.1/1 (1.1.1.1/1) to ",
                        "%ASA-6-302014: Teardown TCP connection 1 for a:1.1.1.1/1 to b:2.2.2.2/2 ",
                        "%ASA-6-302020: Built inbound ICMP connection for faddr ",
                        "%ASA-4-106023: Deny tcp src a:1.1.1.1/1 dst b:2.2.2.2/2 ",
                        "%ASA-4-106023: Deny icmp src a:1.1.1.1 dst b:2.2.2.2 ",
                        "%ASA-2-106001: Inbound TCP connection denied from 1.1.1.1/1 to 2.2.2.2/2 ",
                        "%ASA-3-106014: Deny inbound icmp src a:",
                        "%ASA-1-106021: Deny tcp reverse path check from ",
                        "%ASA-6-106100: access-list a denied tcp a/",
                        "%ASA-3-313001: Denied ICMP type=1, code=1 from ",
                        "%ASA-6-605005: Login permitted from a:1.1.1.1/1 to b:",
                        "Nov 25 2026 12:00:00: ",
                        sys + "%ASA-6-999999: "));
        h.put(
                "web",
                List.of(
                        "",
                        "1.2.3.4 - - [",
                        "1.2.3.4 - - [25/Nov/2026:12:00:00 +0000] \"",
                        "1.2.3.4 - - [25/Nov/2026:12:00:00 +0000] \"GET ",
                        "1.2.3.4 - - [25/Nov/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"",
                        "#Fields: ",
                        "#Fields: date time c-ip cs-method cs-uri-stem sc-status\n",
                        "2026-11-25 12:00:00 ",
                        "{\"time\":\"2026-11-25T12:00:00Z\",\"request\":\"",
                        sys + "nginx: "));
        h.put(
                "dns",
                List.of(
                        "",
                        "25-Nov-2026 12:00:00.000 ",
                        "25-Nov-2026 12:00:00.000 queries: info: client ",
                        "25-Nov-2026 12:00:00.000 queries: info: client @0x1 1.1.1.1#1 (",
                        "25-Nov-2026 12:00:00.000 queries: info: client @0x1 1.1.1.1#1 (a): query: ",
                        "25-Nov-2026 12:00:00.000 security: info: client ",
                        sys + "named[1]: client ",
                        sys + "dnsmasq[1]: ",
                        sys + "dnsmasq[1]: query[A] ",
                        sys + "dnsmasq[1]: 1 1.1.1.1/1 ",
                        sys + "dnsmasq[1]: reply "));
        h.put(
                "zeek",
                List.of(
                        "",
                        "#fields\t",
                        "#separator ",
                        "1795608000.0\t",
                        "{\"ts\":1795608000.5,\"uid\":\"",
                        "{\"ts\":1795608000.5,\"a\":",
                        "{\"ts\":1795608000.5,\"_path\":\""));
        List<String> json =
                List.of(
                        "",
                        "{",
                        "{\"a\":\"",
                        "{\"a\":",
                        "{\"a\":1" + ",\"a\":1".repeat(8) + ",\"b\":\"",
                        "{\"timestamp\":\"",
                        "{\"EventTime\":\"2026-11-25 12:00:00\",\"EventID\":4625,\"Message\":\"");
        h.put("suricata", json);
        h.put("netflow", json);
        h.put("winlog", json);
        return h;
    }

    /** Every hostile record of a source: each header with each filler, and the nesting cases. */
    public static List<Hostile> of(String source) {
        return of(source, SIZE);
    }

    /** The same records, cut to about {@code size} bytes each. */
    public static List<Hostile> of(String source, int size) {
        List<String> heads = HEADERS.get(source);
        if (heads == null) {
            throw new IllegalArgumentException("no adversarial headers for " + source);
        }
        List<Hostile> out = new ArrayList<>();
        for (String head : heads) {
            for (Map.Entry<String, String> f : FILLERS.entrySet()) {
                out.add(
                        new Hostile(
                                source,
                                "[" + head.replace("\n", "\\n") + "] + " + f.getKey(),
                                head,
                                f.getValue(),
                                size));
            }
        }
        // The header over and over: an unanchored pattern that starts at a word of the header
        // is tried again at each copy.
        for (String head : heads) {
            if (!head.isEmpty()) {
                out.add(
                        new Hostile(
                                source,
                                "[" + head.replace("\n", "\\n") + "] repeated",
                                head,
                                head,
                                size));
            }
        }
        // Deep nesting, for the JSON readers and for whatever counts brackets.
        out.add(new Hostile(source, "nested arrays", "{\"a\":", "[", size));
        out.add(new Hostile(source, "nested objects", "", "{\"a\":", size));
        out.add(new Hostile(source, "closed nesting", "", "[]", size));
        if (source.equals("asa")) {
            out.add(new Hostile(source, "issue 11 regression", ASA_REGRESSION, "", size));
        }
        return out;
    }

    /** All hostile records of all sources with headers here. */
    public static List<Hostile> all() {
        List<Hostile> out = new ArrayList<>();
        for (String source : HEADERS.keySet()) {
            out.addAll(of(source));
        }
        return out;
    }

    /**
     * A seventh of {@link #all()}: each header with every seventh filler, shifted by one from one
     * header to the next, so each source still meets every filler behind some header; the nesting
     * cases and the ASA regression always.
     */
    public static List<Hostile> sample() {
        List<Hostile> out = new ArrayList<>();
        int fillers = FILLERS.size();
        for (String source : HEADERS.keySet()) {
            List<Hostile> of = of(source);
            for (int i = 0; i < of.size(); i++) {
                int header = i / fillers;
                int filler = i % fillers;
                if (i >= HEADERS.get(source).size() * fillers || (filler + header) % 7 == 0) {
                    out.add(of.get(i));
                }
            }
        }
        return out;
    }

    public static List<String> sources() {
        return List.copyOf(HEADERS.keySet());
    }

    /** The header and the filler repeated to about {@code size} bytes. */
    static byte[] fill(String head, String filler, int size) {
        int fillerBytes = filler.getBytes(StandardCharsets.UTF_8).length;
        int room = size - head.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder b = new StringBuilder(size);
        b.append(head);
        b.append(filler.repeat(Math.max(0, room / fillerBytes)));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
