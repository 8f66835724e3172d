package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

class NetflowDecoderTest {

    @Test
    void everyPmacctRecordDecodes() {
        RecordDecoder d = Samples.recordDecoder();
        int n = 0;
        for (String line : Samples.lines("pmacct/nfacctd-kafka.jsonl")) {
            SecurityEvent e = Samples.decode(d, "netflow", line);
            assertThat(e.event.action).isEqualTo("flow");
            assertThat(e.event.category).isEqualTo("network");
            assertThat(e.source.ip).isNotNull();
            assertThat(e.destination.ip).isNotNull();
            assertThat(e.network.transport).isIn("tcp", "udp", "icmp");
            assertThat(e.network.bytes).isPositive();
            assertThat(e.network.packets).isPositive();
            n++;
        }
        assertThat(n).isEqualTo(31);
        SecurityEvent first =
                Samples.decode("netflow", Samples.lines("pmacct/nfacctd-kafka.jsonl").get(0));
        assertThat(first.source.ip).isEqualTo("192.168.10.10");
        assertThat(first.source.port).isEqualTo(445);
        assertThat(first.destination.port).isEqualTo(49282);
        assertThat(first.network.bytes).isEqualTo(2872L);
        assertThat(first.getTimestampIso()).isEqualTo("2026-11-22T06:51:28Z");
        assertThat(first.fields("netflow.end")).isEqualTo("2026-11-22 06:51:42.000000");
        assertThat(first.fields("pmacct.event_type")).isEqualTo("purge");
    }

    @Test
    void goflow2CurrentJson() {
        SecurityEvent e =
                Samples.decode(
                        "netflow",
                        "{\"type\":\"IPFIX\",\"time_received_ns\":1795608000123456789,\"sequence_num\":4711,\"sampling_rate\":0,\"sampler_address\":\"10.20.0.1\",\"time_flow_start_ns\":1795607990000000000,\"time_flow_end_ns\":1795607999000000000,\"bytes\":123456,\"packets\":100,\"src_addr\":\"10.20.3.4\",\"dst_addr\":\"203.0.113.9\",\"etype\":\"IPv4\",\"proto\":\"TCP\",\"src_port\":50123,\"dst_port\":3389,\"in_if\":1,\"out_if\":2,\"src_mac\":\"00:11:22:33:44:55\",\"dst_mac\":\"66:77:88:99:aa:bb\",\"tcp_flags\":27}");
        assertThat(e.event.dataset).isEqualTo("netflow.ipfix");
        assertThat(e.source.ip).isEqualTo("10.20.3.4");
        assertThat(e.destination.port).isEqualTo(3389);
        assertThat(e.network.transport).isEqualTo("tcp");
        assertThat(e.network.bytes).isEqualTo(123456L);
        assertThat(e.observer.ip).isEqualTo("10.20.0.1");
        assertThat(e.timestamp).isEqualTo(1795607990000L);
        assertThat(e.fields("netflow.tcp_flags")).isEqualTo("27");
        // 10.20.0.0/16 is ubnd-tp-thanhhoa in the default directory.
        assertThat(e.organization.id).isEqualTo("ubnd-tp-thanhhoa");
    }

    @Test
    void goflowFirstGenerationJsonWithBase64Addresses() {
        SecurityEvent e =
                Samples.decode(
                        "netflow",
                        "{\"Type\":\"NETFLOW_V5\",\"TimeReceived\":1795608000,\"SequenceNum\":1,\"SamplingRate\":0,\"SamplerAddress\":\"ChQAAQ==\",\"TimeFlowStart\":1795607990,\"TimeFlowEnd\":1795607999,\"Bytes\":400,\"Packets\":4,\"SrcAddr\":\"ChQDBA==\",\"DstAddr\":\"ywBxCQ==\",\"Etype\":2048,\"Proto\":17,\"SrcPort\":5353,\"DstPort\":53}");
        assertThat(e.source.ip).isEqualTo("10.20.3.4");
        assertThat(e.destination.ip).isEqualTo("203.0.113.9");
        assertThat(e.network.transport).isEqualTo("udp");
        assertThat(e.observer.ip).isEqualTo("10.20.0.1");
        assertThat(e.timestamp).isEqualTo(1795607990000L);
        assertThat(e.event.dataset).isEqualTo("netflow.netflow_v5");
    }

    @Test
    void notAFlow() {
        assertThat(Samples.deadLetter("netflow", "{\"event_type\":\"alert\"}"))
                .isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("netflow", "ip_src=1.2.3.4")).isEqualTo("wrong_format");
        assertThat(
                        Samples.deadLetter(
                                "netflow",
                                "{\"ip_src\":\"1.2.3.4\",\"bytes\":1,\"timestamp_start\":\"last week\"}"))
                .isEqualTo("bad_timestamp");
    }
}
