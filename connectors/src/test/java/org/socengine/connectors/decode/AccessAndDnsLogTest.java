package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

class AccessAndDnsLogTest {

    @Test
    void commonAndCombinedFormats() {
        SecurityEvent common =
                Samples.decode(
                        "web",
                        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326");
        assertThat(common.user.name).isEqualTo("frank");
        assertThat(common.getTimestampIso()).isEqualTo("2000-10-10T20:55:36Z");
        assertThat(common.http.response.bytes).isEqualTo(2326L);
        assertThat(common.fields("http.version")).isEqualTo("1.0");

        SecurityEvent combined =
                Samples.decode(
                        "web",
                        "10.13.2.2 - - [25/Nov/2026:12:00:00 +0700] \"GET /search?q=%27%20OR%201=1-- HTTP/1.1\" 500 0 \"-\" \"sqlmap/1.7\"");
        assertThat(combined.url.path).isEqualTo("/search");
        assertThat(combined.url.query).isEqualTo("q=%27%20OR%201=1--");
        assertThat(combined.user_agent.original).isEqualTo("sqlmap/1.7");
        assertThat(combined.http.request.referrer).isNull();
        assertThat(combined.event.outcome).isEqualTo("failure");
        assertThat(combined.organization.id).isEqualTo("so-gddt");

        SecurityEvent probe =
                Samples.decode(
                        "web",
                        "198.51.100.3 - - [25/Nov/2026:12:00:00 +0000] \"\\x16\\x03\\x01\\x00\" 400 157 \"-\" \"-\"");
        assertThat(probe.http.response.status_code).isEqualTo(400);
        assertThat(probe.fields("http.request.line")).isEqualTo("\\x16\\x03\\x01\\x00");
    }

    @Test
    void iisWithItsFieldsHeader() {
        RecordDecoder d =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        assertThat(
                        d.decode(
                                        Samples.record(
                                                "web",
                                                "#Software: Microsoft Internet Information Services 10.0"),
                                        Samples.NOW)
                                .skipped())
                .isTrue();
        assertThat(
                        d.decode(
                                        Samples.record(
                                                "web",
                                                "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes time-taken"),
                                        Samples.NOW)
                                .skipped())
                .isTrue();
        SecurityEvent e =
                Samples.decode(
                        d,
                        "web",
                        "2026-11-25 05:00:00 10.30.0.5 POST /owa/auth.owa - 443 - 198.51.100.20 Mozilla/5.0+(Windows+NT+10.0) 302 0 0 512 15");
        assertThat(e.url.path).isEqualTo("/owa/auth.owa");
        assertThat(e.http.request.method).isEqualTo("POST");
        assertThat(e.http.response.bytes).isEqualTo(512L);
        assertThat(e.user_agent.original).isEqualTo("Mozilla/5.0 (Windows NT 10.0)");
        assertThat(e.source.ip).isEqualTo("198.51.100.20");
        assertThat(e.destination.ip).isEqualTo("10.30.0.5");
        assertThat(e.organization.id).isEqualTo("tt-hcc");
    }

    @Test
    void notAnAccessLog() {
        assertThat(
                        Samples.deadLetter(
                                "web",
                                "Nov 25 12:00:00 web01 nginx: 2026/11/25 12:00:00 [error] 1#1: open() failed"))
                .isEqualTo("wrong_format");
        assertThat(
                        Samples.deadLetter(
                                "web",
                                "10.0.0.1 - - [25/Nov/2026:12:00:00 +0000] \"GET / HTTP/1.1\""))
                .isEqualTo("wrong_format");
        assertThat(
                        Samples.deadLetter(
                                "web",
                                "10.0.0.1 - - [25/Xyz/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1"))
                .isEqualTo("bad_timestamp");
        assertThat(Samples.deadLetter("web", "2026-11-25 05:00:00 a b c")).isEqualTo("malformed");
    }

    @Test
    void bindQueryLog() {
        SecurityEvent file =
                Samples.decode(
                        "dns",
                        "25-Nov-2026 12:00:00.123 queries: info: client @0x7f1c2c0a8b40 10.22.3.4#53271 (aGVsbG8gd29ybGQ.tunnel.example): query: aGVsbG8gd29ybGQ.tunnel.example IN TXT +E(0)K (10.22.0.53)");
        assertThat(file.event.action).isEqualTo("dns_query");
        assertThat(file.event.dataset).isEqualTo("dns.bind");
        assertThat(file.dns.question.name).isEqualTo("aGVsbG8gd29ybGQ.tunnel.example");
        assertThat(file.dns.question.type).isEqualTo("TXT");
        assertThat(file.source.ip).isEqualTo("10.22.3.4");
        assertThat(file.source.port).isEqualTo(53271);
        assertThat(file.destination.ip).isEqualTo("10.22.0.53");
        assertThat(file.getTimestampIso()).isEqualTo("2026-11-25T12:00:00.123Z");
        assertThat(file.organization.id).isEqualTo("ubnd-h-quangxuong");

        SecurityEvent syslog =
                Samples.decode(
                        "dns",
                        "Nov 25 12:00:00 ns1 named[812]: client @0x7f1c2c0a8b40 10.22.3.4#53272 (www.example.com): query: www.example.com IN A + (10.22.0.53)");
        assertThat(syslog.dns.question.type).isEqualTo("A");
        assertThat(syslog.host.name).isEqualTo("ns1");

        SecurityEvent denied =
                Samples.decode(
                        "dns",
                        "25-Nov-2026 12:00:01.000 security: info: client @0x7f1c 203.0.113.9#4444 (example.gov.vn): query (cache) 'example.gov.vn/A/IN' denied");
        assertThat(denied.event.action).isEqualTo("dns_query_denied");
        assertThat(denied.event.outcome).isEqualTo("failure");

        SecurityEvent viaSyslog =
                Samples.decode(
                        "syslog",
                        "Nov 25 12:00:00 ns1 named[812]: client @0x7f1c2c0a8b40 10.22.3.4#53272 (www.example.com): query: www.example.com IN A + (10.22.0.53)");
        assertThat(viaSyslog.event.action).isEqualTo("dns_query");
    }

    @Test
    void dnsmasqLines() {
        SecurityEvent q =
                Samples.decode(
                        "dns",
                        "Nov 25 12:00:00 dnsmasq[511]: query[AAAA] updates.example from 10.23.1.7");
        assertThat(q.event.action).isEqualTo("dns_query");
        assertThat(q.dns.question.type).isEqualTo("AAAA");
        assertThat(q.source.ip).isEqualTo("10.23.1.7");
        assertThat(q.event.dataset).isEqualTo("dns.dnsmasq");

        SecurityEvent extra =
                Samples.decode(
                        "dns",
                        "Nov 25 12:00:00 gw dnsmasq[511]: 42 10.23.1.7/40000 query[A] c2.example from 10.23.1.7");
        assertThat(extra.source.port).isEqualTo(40000);
        assertThat(extra.fields("dnsmasq.serial")).isEqualTo("42");

        SecurityEvent reply =
                Samples.decode(
                        "dns", "Nov 25 12:00:00 dnsmasq[511]: reply c2.example is 198.51.100.66");
        assertThat(reply.event.action).isEqualTo("dns_answer");
        assertThat(reply.fields("dns.answers")).isEqualTo("198.51.100.66");

        SecurityEvent nx =
                Samples.decode(
                        "dns", "Nov 25 12:00:00 dnsmasq[511]: reply nothere.example is NXDOMAIN");
        assertThat(nx.dns.response_code).isEqualTo("NXDOMAIN");
        assertThat(nx.event.outcome).isEqualTo("failure");

        SecurityEvent fwd =
                Samples.decode(
                        "dns", "Nov 25 12:00:00 dnsmasq[511]: forwarded c2.example to 8.8.8.8");
        assertThat(fwd.event.action).isEqualTo("dns_forwarded");
        assertThat(fwd.destination.ip).isEqualTo("8.8.8.8");

        assertThat(
                        Samples.deadLetter(
                                "dns",
                                "Nov 25 12:00:00 dnsmasq[511]: DHCPACK(eth0) 10.23.1.7 00:11:22:33:44:55 pc7"))
                .isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("dns", "hello world")).isEqualTo("wrong_format");
    }
}
