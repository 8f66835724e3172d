package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

class SuricataEveDecoderTest {

    @Test
    void everyAlertOfTheFirstOrgArrayDecodes() throws Exception {
        JsonNode array =
                new ObjectMapper()
                        .readTree(Samples.text("suricata/first-org-conf-2015.alerts-only.json"));
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(136);
        RecordDecoder d = Samples.recordDecoder();
        for (JsonNode alert : array) {
            SecurityEvent e = Samples.decode(d, "suricata", alert.toString());
            assertThat(e.event.kind).isEqualTo("alert");
            assertThat(e.event.category).isEqualTo("intrusion_detection");
            assertThat(e.event.action).isEqualTo("ids_alert");
            assertThat(e.event.dataset).isEqualTo("suricata.alert");
            assertThat(e.rule.id).isEqualTo(alert.get("alert").get("signature_id").asText());
            assertThat(e.rule.name).isEqualTo(alert.get("alert").get("signature").asText());
            assertThat(e.rule.category).isNotBlank();
            assertThat(e.event.severity).isBetween(1, 4);
            assertThat(e.source.ip).isEqualTo(alert.get("src_ip").asText());
            assertThat(e.destination.ip).isEqualTo(alert.get("dest_ip").asText());
            assertThat(e.network.transport).isIn("tcp", "udp", "icmp", "ipv6-icmp");
        }
    }

    @Test
    void firstAlertMapsTimeAndFlow() throws Exception {
        JsonNode first =
                new ObjectMapper()
                        .readTree(Samples.text("suricata/first-org-conf-2015.alerts-only.json"))
                        .get(0);
        SecurityEvent e = Samples.decode("suricata", first.toString());
        // 2015-03-29T11:01:38.221126-0600
        assertThat(e.getTimestampIso()).isEqualTo("2015-03-29T17:01:38.221Z");
        assertThat(e.rule.name).isEqualTo("ET SCAN Potential SSH Scan");
        assertThat(e.rule.id).isEqualTo("2001219");
        assertThat(e.destination.port).isEqualTo(22);
        assertThat(e.source.bytes).isEqualTo(66L);
        assertThat(e.event.type).isEqualTo("allowed");
    }

    @Test
    void alertsWithHttpCarryTheRequest() throws Exception {
        JsonNode second =
                new ObjectMapper()
                        .readTree(Samples.text("suricata/first-org-conf-2015.alerts-only.json"))
                        .get(1);
        SecurityEvent e = Samples.decode("suricata", second.toString());
        assertThat(e.url.domain).isEqualTo("ui.skype.com");
        assertThat(e.url.path).isEqualTo("/ui/0/7.2.0.103./en/getlatestversion");
        assertThat(e.http.request.method).isEqualTo("GET");
        assertThat(e.http.response.status_code).isEqualTo(200);
    }

    @Test
    void everyLineOfTheEveFileDecodes() {
        RecordDecoder d = Samples.recordDecoder();
        Map<String, Integer> byDataset = new HashMap<>();
        for (String line : Samples.lines("suricata-eve/eve.json")) {
            SecurityEvent e = Samples.decode(d, "suricata", line);
            byDataset.merge(e.event.dataset, 1, Integer::sum);
            switch (e.event.dataset) {
                case "suricata.alert" -> {
                    assertThat(e.event.kind).isEqualTo("alert");
                    assertThat(e.rule.id).isNotNull();
                }
                case "suricata.dns" -> {
                    assertThat(e.event.action).isIn("dns_query", "dns_answer");
                    assertThat(e.dns.question.name).isNotBlank();
                }
                case "suricata.flow" -> {
                    assertThat(e.event.action).isEqualTo("flow");
                    assertThat(e.network.bytes).isPositive();
                }
                case "suricata.fileinfo" -> {
                    assertThat(e.event.category).isEqualTo("file");
                    assertThat(e.file.name).isNotBlank();
                }
                case "suricata.anomaly" -> assertThat(e.event.action).isEqualTo("protocol_anomaly");
                case "suricata.smb" -> assertThat(e.event.action).isEqualTo("smb_transaction");
                case "suricata.stats" -> assertThat(e.event.kind).isEqualTo("metric");
                default -> {}
            }
        }
        assertThat(byDataset)
                .containsEntry("suricata.alert", 64)
                .containsEntry("suricata.smb", 71)
                .containsEntry("suricata.flow", 25)
                .containsEntry("suricata.dcerpc", 23)
                .containsEntry("suricata.dns", 22)
                .containsEntry("suricata.fileinfo", 4)
                .containsEntry("suricata.stats", 4)
                .containsEntry("suricata.anomaly", 3);
    }

    @Test
    void mimikatzOverSmbAlertNamesTheFile() {
        String line =
                Samples.lines("suricata-eve/eve.json").stream()
                        .filter(l -> l.contains("PEER SMB mimikatz"))
                        .findFirst()
                        .orElseThrow();
        SecurityEvent e = Samples.decode("suricata", line);
        assertThat(e.rule.name).isEqualTo("PEER SMB mimikatz file name seen");
        assertThat(e.fields("smb.filename")).isEqualTo("temp\\mimikatz.exe");
        assertThat(e.network.protocol).isEqualTo("smb");
    }

    @Test
    void httpTlsSshAndEve3DnsRecords() {
        SecurityEvent http =
                Samples.decode(
                        "suricata",
                        "{\"timestamp\":\"2026-11-25T08:00:00.000000+0700\",\"flow_id\":1,\"event_type\":\"http\",\"src_ip\":\"10.12.1.5\",\"src_port\":51000,\"dest_ip\":\"203.0.113.7\",\"dest_port\":80,\"proto\":\"TCP\",\"http\":{\"hostname\":\"evil.example\",\"url\":\"/a.php?id=1\",\"http_user_agent\":\"curl/8.0\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":404,\"length\":12}}");
        assertThat(http.event.action).isEqualTo("http_request");
        assertThat(http.event.category).isEqualTo("web");
        assertThat(http.event.outcome).isEqualTo("failure");
        assertThat(http.url.query).isEqualTo("id=1");
        assertThat(http.user_agent.original).isEqualTo("curl/8.0");
        assertThat(http.getTimestampIso()).isEqualTo("2026-11-25T01:00:00Z");

        SecurityEvent tls =
                Samples.decode(
                        "suricata",
                        "{\"timestamp\":\"2026-11-25T08:00:00.000000+0000\",\"event_type\":\"tls\",\"src_ip\":\"10.12.1.5\",\"src_port\":51001,\"dest_ip\":\"203.0.113.8\",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{\"subject\":\"CN=bad.example\",\"issuerdn\":\"CN=R3\",\"sni\":\"bad.example\",\"version\":\"TLS 1.2\",\"ja3\":{\"hash\":\"e7d705a3286e19ea42f587b344ee6865\"}}}");
        assertThat(tls.event.action).isEqualTo("tls_handshake");
        assertThat(tls.destination.domain).isEqualTo("bad.example");
        assertThat(tls.fields("tls.client.ja3")).isEqualTo("e7d705a3286e19ea42f587b344ee6865");

        SecurityEvent ssh =
                Samples.decode(
                        "suricata",
                        "{\"timestamp\":\"2026-11-25T08:00:00.000000+0000\",\"event_type\":\"ssh\",\"src_ip\":\"198.51.100.9\",\"src_port\":40000,\"dest_ip\":\"10.12.1.5\",\"dest_port\":22,\"proto\":\"TCP\",\"ssh\":{\"client\":{\"proto_version\":\"2.0\",\"software_version\":\"libssh2_1.9.0\"},\"server\":{\"proto_version\":\"2.0\",\"software_version\":\"OpenSSH_8.9p1\"}}}");
        assertThat(ssh.event.action).isEqualTo("ssh_handshake");
        assertThat(ssh.fields("ssh.client.software")).isEqualTo("libssh2_1.9.0");

        SecurityEvent dns3 =
                Samples.decode(
                        "suricata",
                        "{\"timestamp\":\"2026-11-25T08:00:00.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.12.1.5\",\"src_port\":5353,\"dest_ip\":\"10.12.0.1\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{\"version\":3,\"type\":\"response\",\"id\":1,\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"aGVsbG8.tunnel.example\",\"rrtype\":\"TXT\"}]}}");
        assertThat(dns3.event.action).isEqualTo("dns_answer");
        assertThat(dns3.dns.question.name).isEqualTo("aGVsbG8.tunnel.example");
        assertThat(dns3.dns.question.type).isEqualTo("TXT");
        assertThat(dns3.dns.response_code).isEqualTo("NXDOMAIN");
    }

    @Test
    void filebeatWrappedLineIsUnwrapped() {
        String eve =
                "{\"timestamp\":\"2026-11-25T08:00:00.000000+0000\",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.2\",\"proto\":\"UDP\",\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,\"bytes_toserver\":60,\"bytes_toclient\":70}}";
        String wrapped =
                new ObjectMapper()
                        .createObjectNode()
                        .put("@timestamp", "2026-11-25T08:00:01.000Z")
                        .put("message", eve)
                        .toString();
        SecurityEvent e = Samples.decode("suricata", wrapped);
        assertThat(e.event.action).isEqualTo("flow");
        assertThat(e.network.bytes).isEqualTo(130L);
    }

    @Test
    void notEveIsDeadLettered() {
        assertThat(Samples.deadLetter("suricata", "{\"foo\":1}")).isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("suricata", "[{\"event_type\":\"alert\"}]"))
                .isEqualTo("wrong_format");
        assertThat(
                        Samples.deadLetter(
                                "suricata",
                                "{\"event_type\":\"alert\",\"timestamp\":\"2026-11-25T08:00:00Z\""))
                .isEqualTo("truncated");
        assertThat(
                        Samples.deadLetter(
                                "suricata",
                                "{\"event_type\":\"alert\",\"timestamp\":\"yesterday\"}"))
                .isEqualTo("bad_timestamp");
        assertThat(
                        Samples.deadLetter(
                                "suricata",
                                "{\"event_type\":\"alert\",\"timestamp\":\"2026-11-25T08:00:00Z\"}"))
                .isEqualTo("malformed");
    }
}
