package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

/**
 * Every log line of Wazuh's own rule tests for sshd, web access logs and iptables decodes, with the
 * fields its Wazuh rule needs.
 */
class WazuhSamplesTest {

    private static final Pattern LOG = Pattern.compile("^log \\d+ (pass|fail) = (.*)$");

    /** One log line of a test block: the line, whether the rule must fire, the rule id. */
    record Case(String block, String line, boolean pass, String rule, String decoder) {}

    static List<Case> cases(String resource) {
        List<Case> out = new ArrayList<>();
        List<String[]> pending = new ArrayList<>();
        String block = null;
        String rule = null;
        for (String raw : Samples.text(resource).split("\n")) {
            String l = raw.stripTrailing();
            if (l.startsWith("[")) {
                block = l;
                pending.clear();
                rule = null;
                continue;
            }
            Matcher m = LOG.matcher(l);
            if (m.matches()) {
                pending.add(new String[] {m.group(2), m.group(1)});
            } else if (l.startsWith("rule = ")) {
                rule = l.substring(7).strip();
            } else if (l.startsWith("decoder = ")) {
                for (String[] p : pending) {
                    out.add(
                            new Case(
                                    block,
                                    p[0],
                                    p[1].equals("pass"),
                                    rule,
                                    l.substring(10).strip()));
                }
                pending.clear();
            } else if (!l.isBlank() && !l.startsWith(";") && !l.contains(" = ") && block != null) {
                // iptables.ini has one block whose log line lacks the "log 1 pass =" prefix.
                pending.add(new String[] {l, "pass"});
            }
        }
        return out;
    }

    @Test
    void everySshdLineDecodesWithTheFieldsItsRuleNeeds() {
        List<Case> cases = cases("wazuh/sshd.ini");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(71);
        RecordDecoder d = Samples.recordDecoder();
        // Rules about a remote peer need its address; rules about accounts need the user too.
        Map<String, List<String>> needs =
                Map.ofEntries(
                        Map.entry("5710", List.of("source", "user.name", "failure")),
                        Map.entry("5712", List.of("source", "user.name", "failure")),
                        Map.entry("5763", List.of("source", "user.name", "failure")),
                        Map.entry("5760", List.of("source", "user.name", "failure")),
                        Map.entry("5716", List.of("source", "user.name", "failure")),
                        Map.entry("5718", List.of("source", "user.name", "failure")),
                        Map.entry("5719", List.of("source", "user.name", "failure")),
                        Map.entry("5758", List.of("source", "user.name", "failure")),
                        Map.entry("5706", List.of("source")),
                        Map.entry("5701", List.of("source")),
                        Map.entry("5702", List.of("source")),
                        Map.entry("5757", List.of("source")),
                        Map.entry("5753", List.of("source")),
                        Map.entry("5740", List.of("source")),
                        Map.entry("5762", List.of("source", "user.name")),
                        Map.entry("5761", List.of("source", "user.name")),
                        Map.entry("5722", List.of("source")));
        for (Case c : cases) {
            SecurityEvent e = Samples.decode(d, "syslog", c.line());
            assertThat(e.process.name).isEqualTo("sshd");
            List<String> need = needs.get(c.rule());
            if (need == null || !c.pass()) {
                continue;
            }
            String what = c.block() + " " + c.line();
            if (need.contains("source")) {
                assertThat(e.source).as("source of %s", what).isNotNull();
                assertThat(e.source.ip != null ? e.source.ip : e.source.address)
                        .as("source address of %s", what)
                        .isNotNull();
            }
            if (need.contains("user.name")) {
                assertThat(e.user).as("user of %s", what).isNotNull();
                assertThat(e.user.name).as("user.name of %s", what).isNotBlank();
            }
            if (need.contains("failure") && !e.event.action.equals("ssh_disconnect")) {
                assertThat(e.event.outcome).as("outcome of %s", what).isEqualTo("failure");
                assertThat(e.event.category).isEqualTo("authentication");
            }
        }
    }

    @Test
    void sshdBruteForceLinesCarryTheSameSourceAndUser() {
        for (Case c : cases("wazuh/sshd.ini")) {
            if (c.rule().equals("5763")) {
                SecurityEvent e = Samples.decode("syslog", c.line());
                assertThat(e.source.ip).isEqualTo("172.18.1.100");
                assertThat(e.source.port).isEqualTo(43042);
                assertThat(e.user.name).isEqualTo("user");
                assertThat(e.event.action).isEqualTo("ssh_login");
                assertThat(e.event.outcome).isEqualTo("failure");
                assertThat(e.host.name).isEqualTo("localhost");
                // 2020-03-24 08:38:42.344447-0700
                assertThat(e.getTimestampIso()).isEqualTo("2020-03-24T15:38:42.344Z");
            }
            if (c.rule().equals("5712")) {
                SecurityEvent e = Samples.decode("syslog", c.line());
                assertThat(e.source.ip).isEqualTo("212.64.151.233");
                assertThat(e.event.action).isEqualTo("ssh_invalid_user");
                assertThat(e.fields("ssh.invalid_user")).isEqualTo("true");
            }
        }
    }

    @Test
    void maskedAddressesGoToSourceAddress() {
        SecurityEvent e =
                Samples.decode(
                        "syslog",
                        "Dec 27 03:23:51 r1 sshd[21183]: error: maximum authentication attempts exceeded for root from 183.106.179.x port 34100 ssh2 [preauth]");
        assertThat(e.source.ip).isNull();
        assertThat(e.source.address).isEqualTo("183.106.179.x");
        assertThat(e.source.port).isEqualTo(34100);
        assertThat(e.event.action).isEqualTo("ssh_max_auth_attempts");
    }

    @Test
    void solarisMessageIdIsSkipped() {
        SecurityEvent e =
                Samples.decode(
                        "syslog",
                        "Aug 18 07:30:25 192.168.1.5 sshd[20247]: [ID 800047 auth.notice] Failed none for root from 192.168.1.1 port 36942 ssh2");
        assertThat(e.user.name).isEqualTo("root");
        assertThat(e.source.ip).isEqualTo("192.168.1.1");
        assertThat(e.host.ip).isEqualTo("192.168.1.5");
        assertThat(e.fields("syslog.solaris_msgid")).isEqualTo("800047");
    }

    @Test
    void everyWebLineDecodesWithUrlStatusAndClient() {
        List<Case> cases = cases("wazuh/web_rules.ini");
        assertThat(cases).hasSize(10);
        RecordDecoder d = Samples.recordDecoder();
        for (Case c : cases) {
            SecurityEvent e = Samples.decode(d, "web", c.line());
            String what = c.block();
            assertThat(e.event.category).isEqualTo("web");
            assertThat(e.event.action).isEqualTo("http_request");
            assertThat(e.url.original).as("url of %s", what).isNotBlank();
            assertThat(e.http.request.method)
                    .as("method of %s", what)
                    .isEqualTo(c.line().contains("POST") ? "POST" : "GET");
            assertThat(e.http.response.status_code).as("status of %s", what).isBetween(100, 599);
            assertThat(e.source.ip).as("client of %s", what).isNotNull();
            assertThat(e.event.outcome)
                    .isEqualTo(e.http.response.status_code < 400 ? "success" : "failure");
        }
    }

    @Test
    void webLinesMapTheirOwnValues() {
        List<Case> cases = cases("wazuh/web_rules.ini");
        SecurityEvent sqli = Samples.decode("web", cases.get(8).line());
        assertThat(sqli.url.domain).isEqualTo("www.example.com");
        assertThat(sqli.source.ip).isEqualTo("1.1.1.1");
        assertThat(sqli.url.query).contains("sleep(19.406)");
        assertThat(sqli.http.response.status_code).isEqualTo(200);
        assertThat(sqli.http.response.bytes).isEqualTo(10869L);
        assertThat(sqli.http.request.referrer).isEqualTo("https://www.example.com");
        assertThat(sqli.user_agent.original).startsWith("Mozilla/5.0 (Windows NT 6.1");
        assertThat(sqli.getTimestampIso()).isEqualTo("2019-03-12T10:09:09Z");

        SecurityEvent viaSyslog = Samples.decode("web", cases.get(5).line());
        assertThat(viaSyslog.host.name).isEqualTo("web01");
        assertThat(viaSyslog.source.ip).isEqualTo("202.194.15.192");
        assertThat(viaSyslog.url.original)
                .isEqualTo("//php-my-admin/config/config.inc.php?p=phpinfo();");
        assertThat(viaSyslog.http.response.status_code).isEqualTo(404);

        SecurityEvent iis = Samples.decode("web", cases.get(0).line());
        assertThat(iis.event.dataset).isEqualTo("web.iis");
        assertThat(iis.source.ip).isEqualTo("173.201.216.6");
        assertThat(iis.url.path).isEqualTo("/search/programdetails.aspx");
        assertThat(iis.url.domain).isEqualTo("www.somesite.org");
        assertThat(iis.http.response.status_code).isEqualTo(200);
        assertThat(iis.getTimestampIso()).isEqualTo("2014-12-20T21:34:37Z");

        SecurityEvent iis14 = Samples.decode("web", cases.get(2).line());
        assertThat(iis14.http.response.status_code).isEqualTo(302);
        assertThat(iis14.source.ip).isEqualTo("31.3.3.7");
    }

    @Test
    void webLinesAlsoDecodeThroughSyslog() {
        List<Case> cases = cases("wazuh/web_rules.ini");
        SecurityEvent e = Samples.decode("syslog", cases.get(6).line());
        assertThat(e.process.name).isEqualTo("nginx");
        assertThat(e.source.ip).isEqualTo("10.10.10.11");
        assertThat(e.http.response.status_code).isEqualTo(404);
        assertThat(e.url.original).isEqualTo("/injection/%0d%0aSet-Cookie");
    }

    @Test
    void everyIptablesLineDecodesWithAddressesAndDisposition() {
        List<Case> cases = cases("wazuh/iptables.ini");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(44);
        RecordDecoder d = Samples.recordDecoder();
        for (Case c : cases) {
            SecurityEvent e = Samples.decode(d, "syslog", c.line());
            String what = c.block();
            assertThat(e.event.category).isEqualTo("network");
            assertThat(e.event.dataset).isEqualTo("syslog.netfilter");
            assertThat(e.source.ip).as("SRC of %s", what).isNotNull();
            assertThat(e.destination.ip).as("DST of %s", what).isNotNull();
            assertThat(e.network.transport).as("PROTO of %s", what).isIn("tcp", "udp", "icmp");
            if (c.rule().equals("4101")
                    || c.rule().equals("4151")
                    || c.line().contains("UFW BLOCK")) {
                assertThat(e.event.action).as("action of %s", what).isEqualTo("connection_denied");
                assertThat(e.event.outcome).isEqualTo("failure");
            }
        }
        SecurityEvent openwrt =
                Samples.decode(
                        "syslog",
                        cases.stream()
                                .filter(c -> c.line().contains("OpenWRT"))
                                .findFirst()
                                .orElseThrow()
                                .line());
        assertThat(openwrt.source.ip).isEqualTo("205.205.205.205");
        assertThat(openwrt.destination.port).isEqualTo(23);
        assertThat(openwrt.fields("netfilter.prefix")).isEqualTo("DROP(src wan)");
        assertThat(openwrt.fields("netfilter.in")).isEqualTo("eth0");
        assertThat(openwrt.fields("netfilter.tcp_flags")).isEqualTo("SYN");
    }
}
