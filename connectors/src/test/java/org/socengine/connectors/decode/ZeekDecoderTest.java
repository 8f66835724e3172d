package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

class ZeekDecoderTest {

    @Test
    void jsonLogsOfEveryKind() {
        SecurityEvent conn =
                Samples.decode(
                        "zeek",
                        "{\"ts\":1795608000.123456,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"10.12.1.5\",\"id.orig_p\":49152,\"id.resp_h\":\"203.0.113.9\",\"id.resp_p\":443,\"proto\":\"tcp\",\"service\":\"ssl\",\"duration\":2.5,\"orig_bytes\":1200,\"resp_bytes\":5400,\"conn_state\":\"SF\",\"local_orig\":true,\"missed_bytes\":0,\"history\":\"ShADadFf\",\"orig_pkts\":10,\"orig_ip_bytes\":1720,\"resp_pkts\":12,\"resp_ip_bytes\":6024}");
        assertThat(conn.event.dataset).isEqualTo("zeek.conn");
        assertThat(conn.event.action).isEqualTo("flow");
        assertThat(conn.event.outcome).isEqualTo("success");
        assertThat(conn.network.bytes).isEqualTo(6600L);
        assertThat(conn.network.protocol).isEqualTo("ssl");
        assertThat(conn.timestamp).isEqualTo(1795608000123L);
        assertThat(conn.fields("zeek.uid")).isEqualTo("CHhAvVGS1DHFjwGM9");

        SecurityEvent dns =
                Samples.decode(
                        "zeek",
                        "{\"_path\":\"dns\",\"ts\":\"2026-11-25T12:00:00.5Z\",\"uid\":\"C1\",\"id.orig_h\":\"10.12.1.5\",\"id.orig_p\":5353,\"id.resp_h\":\"10.12.0.1\",\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":1234,\"query\":\"evil.example\",\"qtype_name\":\"A\",\"rcode_name\":\"NOERROR\",\"answers\":[\"198.51.100.1\"],\"TTLs\":[60.0]}");
        assertThat(dns.event.action).isEqualTo("dns_query");
        assertThat(dns.dns.question.name).isEqualTo("evil.example");
        assertThat(dns.dns.response_code).isEqualTo("NOERROR");
        assertThat(dns.fields("dns.answers")).isEqualTo("198.51.100.1");
        assertThat(dns.getTimestampIso()).isEqualTo("2026-11-25T12:00:00.500Z");

        SecurityEvent http =
                Samples.decode(
                        "zeek",
                        "{\"ts\":1795608000.0,\"uid\":\"C2\",\"id\":{\"orig_h\":\"10.12.1.5\",\"orig_p\":50000,\"resp_h\":\"203.0.113.9\",\"resp_p\":80},\"method\":\"POST\",\"host\":\"upload.example\",\"uri\":\"/x.php?cmd=id\",\"user_agent\":\"python-requests/2.31\",\"status_code\":200,\"response_body_len\":42}");
        assertThat(http.event.action).isEqualTo("http_request");
        assertThat(http.source.ip).isEqualTo("10.12.1.5");
        assertThat(http.url.query).isEqualTo("cmd=id");
        assertThat(http.http.response.status_code).isEqualTo(200);

        SecurityEvent ssl =
                Samples.decode(
                        "zeek",
                        "{\"ts\":1795608000.0,\"uid\":\"C3\",\"id.orig_h\":\"10.12.1.5\",\"id.orig_p\":50001,\"id.resp_h\":\"203.0.113.9\",\"id.resp_p\":443,\"version\":\"TLSv13\",\"cipher\":\"TLS_AES_128_GCM_SHA256\",\"server_name\":\"c2.example\",\"established\":true}");
        assertThat(ssl.event.action).isEqualTo("tls_handshake");
        assertThat(ssl.destination.domain).isEqualTo("c2.example");
        assertThat(ssl.event.outcome).isEqualTo("success");

        SecurityEvent notice =
                Samples.decode(
                        "zeek",
                        "{\"ts\":1795608000.0,\"note\":\"Scan::Port_Scan\",\"msg\":\"198.51.100.7 scanned at least 15 unique ports of host 10.12.1.5 in 0m2s\",\"src\":\"198.51.100.7\",\"dst\":\"10.12.1.5\",\"actions\":[\"Notice::ACTION_LOG\"]}");
        assertThat(notice.event.kind).isEqualTo("alert");
        assertThat(notice.event.category).isEqualTo("intrusion_detection");
        assertThat(notice.rule.name).isEqualTo("Scan::Port_Scan");
        assertThat(notice.source.ip).isEqualTo("198.51.100.7");

        SecurityEvent weird =
                Samples.decode(
                        "zeek",
                        "{\"ts\":1795608000.0,\"uid\":\"C4\",\"id.orig_h\":\"10.12.1.5\",\"id.orig_p\":1,\"id.resp_h\":\"10.12.1.6\",\"id.resp_p\":2,\"name\":\"bad_TCP_checksum\",\"notice\":false,\"peer\":\"zeek\",\"source\":\"TCP\"}");
        assertThat(weird.event.action).isEqualTo("protocol_anomaly");
        assertThat(weird.rule.name).isEqualTo("bad_TCP_checksum");
    }

    @Test
    void tsvWithHeaderIsReadByItsFields() {
        RecordDecoder d =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        String[] header = {
            "#separator \\x09",
            "#set_separator\t,",
            "#empty_field\t(empty)",
            "#unset_field\t-",
            "#path\tconn",
            "#open\t2026-11-25-12-00-00",
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state",
            "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring"
        };
        for (String h : header) {
            RecordDecoder.Outcome o = d.decode(Samples.record("zeek", h), Samples.NOW);
            assertThat(o.skipped()).as(h).isTrue();
        }
        SecurityEvent e =
                Samples.decode(
                        d,
                        "zeek",
                        "1795608000.000000\tCx\t10.12.1.5\t445\t10.12.1.6\t49152\ttcp\t-\t0.1\t0\t0\tREJ");
        assertThat(e.event.dataset).isEqualTo("zeek.conn");
        assertThat(e.event.outcome).isEqualTo("failure");
        assertThat(e.network.protocol).isNull();
        assertThat(e.destination.port).isEqualTo(49152);
    }

    @Test
    void tsvWithoutHeaderUsesZeekDefaults() {
        String dns =
                String.join(
                        "\t",
                        "1795608000.000000",
                        "Cd",
                        "10.12.1.5",
                        "5353",
                        "10.12.0.1",
                        "53",
                        "udp",
                        "1",
                        "0.01",
                        "a.example",
                        "1",
                        "C_INTERNET",
                        "1",
                        "A",
                        "0",
                        "NOERROR",
                        "F",
                        "F",
                        "T",
                        "T",
                        "0",
                        "198.51.100.1",
                        "60.000000",
                        "F");
        SecurityEvent e = Samples.decode("zeek", dns);
        assertThat(e.event.dataset).isEqualTo("zeek.dns");
        assertThat(e.dns.question.name).isEqualTo("a.example");
        assertThat(Samples.deadLetter("zeek", "1795608000.000000\tonly\tthree"))
                .isEqualTo("malformed");
    }

    @Test
    void zeekKafkaTaggedRecord() {
        SecurityEvent e =
                Samples.decode(
                        "zeek",
                        "{\"dns\":{\"ts\":1795608000.25,\"uid\":\"C9\",\"id.orig_h\":\"10.12.1.5\",\"id.orig_p\":5353,\"id.resp_h\":\"10.12.0.1\",\"id.resp_p\":53,\"query\":\"x.example\"}}");
        assertThat(e.event.dataset).isEqualTo("zeek.dns");
        assertThat(e.dns.question.name).isEqualTo("x.example");
    }

    @Test
    void notZeek() {
        assertThat(Samples.deadLetter("zeek", "Nov 25 12:00:00 host sshd[1]: hello"))
                .isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("zeek", "{\"uid\":\"C1\"}")).isEqualTo("bad_timestamp");
    }
}
