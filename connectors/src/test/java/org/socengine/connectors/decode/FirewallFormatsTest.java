package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.format.CefFormat;
import org.socengine.model.SecurityEvent;

/** CEF, LEEF and Cisco ASA, on their own topics and inside syslog. */
class FirewallFormatsTest {

    @Test
    void cefHeaderAndExtensionEscaping() {
        SecurityEvent e =
                Samples.decode(
                        "cef",
                        "CEF:0|Security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 act=blocked a \\= dst=1.1.1.1 spt=1232 dpt=445 proto=TCP msg=line one\\nline two with \\\\ backslash cs1Label=Policy cs1=Block SMB rt=1795608000000");
        assertThat(e.rule.name).isEqualTo("detected a | in message");
        assertThat(e.rule.id).isEqualTo("100");
        assertThat(e.event.code).isEqualTo("100");
        assertThat(e.event.severity).isEqualTo(10);
        assertThat(e.observer.vendor).isEqualTo("Security");
        assertThat(e.observer.product).isEqualTo("threatmanager");
        assertThat(e.source.ip).isEqualTo("10.0.0.1");
        assertThat(e.source.port).isEqualTo(1232);
        assertThat(e.destination.ip).isEqualTo("1.1.1.1");
        assertThat(e.destination.port).isEqualTo(445);
        assertThat(e.network.transport).isEqualTo("tcp");
        assertThat(e.fields("cef.act")).isEqualTo("blocked a =");
        assertThat(e.event.action).isEqualTo("connection_denied");
        assertThat(e.event.outcome).isEqualTo("failure");
        assertThat(e.fields("cef.msg")).isEqualTo("line one\nline two with \\ backslash");
        assertThat(e.fields("Policy")).isEqualTo("Block SMB");
        assertThat(e.timestamp).isEqualTo(1795608000000L);
        assertThat(e.event.dataset).isEqualTo("cef.threatmanager");
    }

    @Test
    void cefExtensionValueWithUnescapedEqualsAndSpaces() {
        var ext =
                assertExtension(
                        "request=http://x.example/a?b=c&d=e requestMethod=GET suser=alice bob");
        assertThat(ext.get("request")).isEqualTo("http://x.example/a?b=c&d=e");
        assertThat(ext.get("suser")).isEqualTo("alice bob");
    }

    private static java.util.Map<String, String> assertExtension(String s) {
        try {
            return CefFormat.extension(s);
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void cefBehindSyslogWithoutRtUsesTheHeaderTime() {
        SecurityEvent e =
                Samples.decode(
                        "cef",
                        "<134>Nov 25 12:00:00 fw-sotc CEF:0|Fortinet|FortiGate|7.2|0000000013|traffic denied|5|src=10.11.2.3 dst=203.0.113.4 spt=5555 dpt=22 proto=6 act=deny suser=nguyenvana request=http://203.0.113.4/login");
        assertThat(e.host.name).isEqualTo("fw-sotc");
        assertThat(e.getTimestampIso()).isEqualTo("2026-11-25T12:00:00Z");
        assertThat(e.user.name).isEqualTo("nguyenvana");
        assertThat(e.url.path).isEqualTo("/login");
        assertThat(e.organization.id).isEqualTo("so-tc");

        SecurityEvent viaSyslog =
                Samples.decode(
                        "syslog",
                        "<134>Nov 25 12:00:00 fw-sotc CEF:0|Fortinet|FortiGate|7.2|0000000013|traffic allowed|3|src=10.11.2.3 dst=203.0.113.4 spt=5555 dpt=443 proto=6 act=accept");
        assertThat(viaSyslog.event.module).isEqualTo("cef");
        assertThat(viaSyslog.event.action).isEqualTo("connection_allowed");
        assertThat(viaSyslog.destination.port).isEqualTo(443);
    }

    @Test
    void cefTimeFormatsAndSeverityWords() {
        SecurityEvent e =
                Samples.decode(
                        "cef",
                        "CEF:1|V|P|1|sig-7|Login failed|High|rt=Nov 25 2026 12:00:01 UTC suser=root src=10.12.3.4 outcome=Failure");
        assertThat(e.getTimestampIso()).isEqualTo("2026-11-25T12:00:01Z");
        assertThat(e.event.severity).isEqualTo(8);
        assertThat(e.event.outcome).isEqualTo("failure");
        assertThat(e.event.action).isEqualTo("login_failed");
    }

    @Test
    void cefBrokenRecords() {
        assertThat(Samples.deadLetter("cef", "CEF:0|Vendor|Product|1.0")).isEqualTo("truncated");
        assertThat(Samples.deadLetter("cef", "CEF:x|a|b|c|d|e|f|src=1.2.3.4"))
                .isEqualTo("malformed");
        assertThat(Samples.deadLetter("cef", "LEEF:1.0|a|b|c|d|src=1.2.3.4"))
                .isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("cef", "CEF:0|a|b|c|d|e|5|src=1.2.3.4 rt=someday"))
                .isEqualTo("bad_timestamp");
    }

    @Test
    void leef1TabSeparated() {
        SecurityEvent e =
                Samples.decode(
                        "leef",
                        "LEEF:1.0|Microsoft|MSExchange|2016|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black\tdevTime=Nov 25 2026 12:00:00\tdevTimeFormat=MMM dd yyyy HH:mm:ss");
        assertThat(e.source.ip).isEqualTo("192.0.2.0");
        assertThat(e.destination.port).isEqualTo(21);
        assertThat(e.user.name).isEqualTo("joe.black");
        assertThat(e.event.severity).isEqualTo(5);
        assertThat(e.rule.category).isEqualTo("anomaly");
        assertThat(e.event.code).isEqualTo("15345");
        assertThat(e.getTimestampIso()).isEqualTo("2026-11-25T12:00:00Z");
    }

    @Test
    void leef2WithCaretAndHexDelimiters() {
        SecurityEvent caret =
                Samples.decode(
                        "leef",
                        "<13>Nov 25 12:00:00 qradar LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=1234^dstPort=80^action=blocked");
        assertThat(caret.source.ip).isEqualTo("10.0.1.8");
        assertThat(caret.event.action).isEqualTo("connection_denied");
        SecurityEvent hex =
                Samples.decode(
                        "leef",
                        "LEEF:2.0|Vendor|Product|1.0|login|x09|usrName=alice\tsrc=10.13.0.9\tdevTime=1795608000000");
        assertThat(hex.user.name).isEqualTo("alice");
        assertThat(hex.timestamp).isEqualTo(1795608000000L);
        assertThat(hex.organization.id).isEqualTo("so-gddt");
        assertThat(Samples.deadLetter("leef", "LEEF:1.0|a|b")).isEqualTo("truncated");
        assertThat(Samples.deadLetter("leef", "LEEF:3.0|a|b|c|d|src=1.2.3.4"))
                .isEqualTo("malformed");
    }

    @Test
    void asaBuiltTeardownAndDeny() {
        SecurityEvent built =
                Samples.decode(
                        "asa",
                        "<166>Nov 25 2026 12:00:00: %ASA-6-302013: Built outbound TCP connection 1234 for outside:203.0.113.5/443 (203.0.113.5/443) to inside:10.14.1.20/51515 (198.51.100.2/51515)");
        assertThat(built.event.action).isEqualTo("connection_built");
        assertThat(built.event.code).isEqualTo("302013");
        assertThat(built.event.severity).isEqualTo(6);
        assertThat(built.source.ip).isEqualTo("10.14.1.20");
        assertThat(built.destination.ip).isEqualTo("203.0.113.5");
        assertThat(built.destination.port).isEqualTo(443);
        assertThat(built.network.transport).isEqualTo("tcp");
        assertThat(built.getTimestampIso()).isEqualTo("2026-11-25T12:00:00Z");

        SecurityEvent teardown =
                Samples.decode(
                        "asa",
                        "%ASA-6-302014: Teardown TCP connection 1234 for outside:203.0.113.5/443 to inside:10.14.1.20/51515 duration 0:01:02 bytes 98765 TCP FINs");
        assertThat(teardown.event.action).isEqualTo("connection_teardown");
        assertThat(teardown.network.bytes).isEqualTo(98765L);
        assertThat(teardown.fields("cisco.termination_reason")).isEqualTo("TCP FINs");

        SecurityEvent deny =
                Samples.decode(
                        "asa",
                        "Nov 25 12:00:00 asa01 %ASA-4-106023: Deny tcp src outside:198.51.100.9/40000 dst inside:10.14.1.20/3389 by access-group \"outside_in\" [0x0, 0x0]");
        assertThat(deny.event.action).isEqualTo("connection_denied");
        assertThat(deny.event.outcome).isEqualTo("failure");
        assertThat(deny.source.ip).isEqualTo("198.51.100.9");
        assertThat(deny.destination.port).isEqualTo(3389);
        assertThat(deny.rule.name).isEqualTo("outside_in");
        assertThat(deny.host.name).isEqualTo("asa01");

        SecurityEvent inbound =
                Samples.decode(
                        "asa",
                        "%ASA-2-106001: Inbound TCP connection denied from 198.51.100.9/40001 to 10.14.1.20/22 flags SYN  on interface outside");
        assertThat(inbound.event.action).isEqualTo("connection_denied");
        assertThat(inbound.destination.port).isEqualTo(22);

        SecurityEvent acl =
                Samples.decode(
                        "asa",
                        "%ASA-6-106100: access-list outside_in denied tcp outside/198.51.100.9(40002) -> inside/10.14.1.20(445) hit-cnt 1 first hit [0x1, 0x0]");
        assertThat(acl.event.action).isEqualTo("connection_denied");
        assertThat(acl.source.port).isEqualTo(40002);

        SecurityEvent noConn =
                Samples.decode(
                        "asa",
                        "%ASA-6-106015: Deny TCP (no connection) from 10.14.1.20/443 to 198.51.100.9/40003 flags RST  on interface inside");
        assertThat(noConn.event.action).isEqualTo("connection_denied");

        SecurityEvent viaSyslog =
                Samples.decode(
                        "syslog",
                        "<164>Nov 25 12:00:00 asa01 %ASA-4-106023: Deny udp src outside:198.51.100.9/53 dst inside:10.14.1.20/1900 by access-group \"outside_in\" [0x0, 0x0]");
        assertThat(viaSyslog.event.module).isEqualTo("asa");
        assertThat(viaSyslog.network.transport).isEqualTo("udp");

        assertThat(Samples.deadLetter("asa", "Nov 25 12:00:00 host sshd[1]: hello"))
                .isEqualTo("wrong_format");
    }
}
