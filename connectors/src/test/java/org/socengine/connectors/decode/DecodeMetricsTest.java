package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.RawRecord;

class DecodeMetricsTest {

    @Test
    void receivedIsDecodedPlusDeadLetteredPlusSkippedPerSourceAndDepartment() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecodeMetrics metrics = new DecodeMetrics(registry);
        RecordDecoder d = Samples.recordDecoder();
        String good =
                "<38>Nov 25 12:00:00 web01 sshd[1]: Failed password for root from 10.12.0.9 port 22 ssh2";
        for (int i = 0; i < 3; i++) {
            RawRecord r = Samples.record("syslog", good);
            metrics.record(r, d.decode(r, Samples.NOW));
        }
        RawRecord bad = Samples.record("syslog", "garbage");
        bad.key = "so-tc";
        metrics.record(bad, d.decode(bad, Samples.NOW));
        RawRecord binary = Samples.record("syslog", "x");
        binary.value = new byte[] {(byte) 0xff, 0};
        metrics.record(binary, d.decode(binary, Samples.NOW));
        RawRecord header = Samples.record("zeek", "#fields\tts\tuid");
        metrics.record(header, d.decode(header, Samples.NOW));

        assertThat(metrics.received("syslog", "so-yt")).isEqualTo(3);
        assertThat(metrics.decoded("syslog", "so-yt")).isEqualTo(3);
        assertThat(metrics.received("syslog", "so-tc")).isEqualTo(1);
        assertThat(metrics.deadLettered("syslog", "so-tc", "wrong_format")).isEqualTo(1);
        assertThat(metrics.deadLettered("syslog", "unknown", "not_utf8")).isEqualTo(1);
        assertThat(metrics.skipped("zeek", "unknown")).isEqualTo(1);
        assertThat(
                        registry.get("soc.decode.dead_lettered")
                                .tag("reason", "not_utf8")
                                .counter()
                                .count())
                .isEqualTo(1);
        double received =
                registry.get("soc.decode.received").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        double decoded =
                registry.get("soc.decode.decoded").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        double dead =
                registry.get("soc.decode.dead_lettered").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        double skipped =
                registry.get("soc.decode.skipped").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        assertThat(received).isEqualTo(decoded + dead + skipped).isEqualTo(6);
        assertThat(new String(binary.value, StandardCharsets.ISO_8859_1)).hasSize(2);
    }

    @Test
    void lastEventTimeIsTheNewestKafkaTimestampPerSourceAndDepartmentInSeconds() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecodeMetrics metrics = new DecodeMetrics(registry);
        RecordDecoder d = Samples.recordDecoder();
        long[] kafkaTimes = {Samples.NOW - 5_000, Samples.NOW, Samples.NOW - 60_000};
        for (long t : kafkaTimes) {
            RawRecord r = Samples.record("syslog", "garbage that still arrived");
            r.key = "so-yt";
            r.kafkaTimestamp = t;
            metrics.record(r, d.decode(r, Samples.NOW));
        }
        assertThat(metrics.lastEventMillis("syslog", "so-yt")).isEqualTo(Samples.NOW);
        assertThat(
                        registry.get("soc.last_event.timestamp")
                                .tag("source", "syslog")
                                .tag("department", "so-yt")
                                .gauge()
                                .value())
                .isEqualTo(Samples.NOW / 1000.0);
    }

    @Test
    void arbitraryKeysDoNotCreateUnboundedSeries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecodeMetrics metrics = new DecodeMetrics(registry);
        RecordDecoder d = Samples.recordDecoder();
        for (int i = 0; i < DecodeMetrics.MAX_DEPARTMENTS + 50; i++) {
            RawRecord r = Samples.record("syslog", "garbage");
            r.key = "k" + i;
            metrics.record(r, d.decode(r, Samples.NOW));
        }
        assertThat(metrics.received("syslog", "other")).isEqualTo(50);
    }

    /**
     * Spoofed records on a department's topic reach the dead letters and the counters under {@code
     * department_mismatch}, counted for the topic's department, never for the one they claimed.
     */
    @Test
    void spoofedRecordsAreCountedAsDepartmentMismatchOfTheTopicsDepartment() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecodeMetrics metrics = new DecodeMetrics(registry);
        RecordDecoder d = Samples.recordDecoder();
        String line =
                "<38>Nov 25 12:00:00 web01 sshd[1]: Failed password for root from 10.12.0.9 port 22 ssh2";
        int decoded = 0;
        int dead = 0;
        for (int i = 0; i < 6; i++) {
            RawRecord r = Samples.record("syslog", line);
            r.topic = "soc.raw.syslog.so-yt";
            r.partition = 1;
            r.offset = 100 + i;
            if (i % 3 == 1) {
                r.departmentHeader = "so-tc";
            } else if (i % 3 == 2) {
                r.key = "so-tc";
            }
            RecordDecoder.Outcome o = d.decode(r, Samples.NOW);
            metrics.record(r, o);
            if (o.deadLetter() != null) {
                dead++;
                DeadLetter dl = o.deadLetter();
                assertThat(dl.reasonCode).isEqualTo("department_mismatch");
                assertThat(dl.topic).isEqualTo("soc.raw.syslog.so-yt");
                assertThat(dl.partition).isEqualTo(1);
                assertThat(dl.offset).isEqualTo(100 + i);
                var json = dl.toTree();
                assertThat(json.path("department").asText()).isEqualTo("so-yt");
                assertThat(json.path("claimed_department").asText()).isEqualTo("so-tc");
                assertThat(json.path("raw").asText()).isEqualTo(line);
            } else {
                decoded++;
                assertThat(o.event().departmentId()).isEqualTo("so-yt");
            }
        }
        assertThat(decoded).isEqualTo(2);
        assertThat(dead).isEqualTo(4);
        assertThat(metrics.received("syslog", "so-yt")).isEqualTo(6);
        assertThat(metrics.decoded("syslog", "so-yt")).isEqualTo(2);
        assertThat(metrics.deadLettered("syslog", "so-yt", "department_mismatch")).isEqualTo(4);
        assertThat(metrics.received("syslog", "so-tc")).isZero();
    }
}
