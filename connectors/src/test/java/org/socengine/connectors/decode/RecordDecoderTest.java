package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

class RecordDecoderTest {

    @Test
    void optionsPerSource() {
        RecordDecoder d =
                new RecordDecoder(
                        DecoderOptions.defaults(),
                        Map.of(
                                "syslog",
                                DecoderOptions.defaults().withTimeZone("Asia/Ho_Chi_Minh")),
                        DepartmentDirectory.defaults(),
                        null);
        SecurityEvent local =
                Samples.decode(
                        d,
                        "syslog",
                        "Nov 25 19:00:00 h sshd[1]: Connection closed by 10.0.0.1 port 1");
        assertThat(local.getTimestampIso()).isEqualTo("2026-11-25T12:00:00Z");
        SecurityEvent web =
                Samples.decode(
                        d,
                        "web",
                        "10.0.0.1 - - [25/Nov/2026:19:00:00 +0700] \"GET / HTTP/1.1\" 200 1");
        assertThat(web.getTimestampIso()).isEqualTo("2026-11-25T12:00:00Z");
    }

    /** The trust policy decides; DepartmentTrustPolicyTest goes through every combination. */
    @Test
    void departmentFromTheTopicTheKeyThenTheRangesAndNeverFromAnUntrustedHeader() {
        RecordDecoder d = Samples.recordDecoder();
        String line =
                "<38>Nov 25 12:00:00 h sshd[1]: Failed password for root from 10.12.0.9 port 22 ssh2";
        RawRecord spoofed = Samples.record("syslog", line);
        spoofed.departmentHeader = "so-tc";
        spoofed.key = "so-yt";
        DeadLetter dl = d.decode(spoofed, Samples.NOW).deadLetter();
        assertThat(dl.reasonCode).isEqualTo("department_mismatch");
        assertThat(dl.claimedDepartment).isEqualTo("so-tc");
        assertThat(dl.department).isEqualTo("so-yt");
        RawRecord headerOnly = Samples.record("syslog", line);
        headerOnly.departmentHeader = "so-tc";
        // The shared topic does not trust headers: the source address's range decides.
        assertThat(d.decode(headerOnly, Samples.NOW).event().organization.id).isEqualTo("so-yt");
        RawRecord topic = Samples.record("syslog", line);
        topic.topic = "soc.raw.syslog.so-gddt";
        assertThat(d.decode(topic, Samples.NOW).event().organization.id).isEqualTo("so-gddt");
        RawRecord keyed = Samples.record("syslog", line);
        keyed.key = "so-tc";
        assertThat(d.decode(keyed, Samples.NOW).event().organization.id).isEqualTo("so-tc");
        RawRecord range = Samples.record("syslog", line);
        assertThat(d.decode(range, Samples.NOW).event().organization.id).isEqualTo("so-yt");
    }

    @Test
    void deadLetterCarriesWhereAndWhy() {
        RawRecord r = Samples.record("cef", "not cef");
        r.partition = 3;
        r.offset = 42;
        r.key = "so-tc";
        RecordDecoder.Outcome o = Samples.recordDecoder().decode(r, Samples.NOW);
        DeadLetter dl = o.deadLetter();
        assertThat(dl.decoder).isEqualTo("CefDecoder");
        assertThat(dl.reasonCode).isEqualTo("wrong_format");
        assertThat(dl.topic).isEqualTo("soc.raw.cef");
        assertThat(dl.partition).isEqualTo(3);
        assertThat(dl.offset).isEqualTo(42);
        assertThat(dl.department).isEqualTo("so-tc");
        assertThat(dl.toTree().get("raw").asText()).isEqualTo("not cef");
    }

    @Test
    void originalIsCappedByOptions() {
        RecordDecoder d =
                new RecordDecoder(
                        new DecoderOptions("UTC", 1 << 20, 64, 0), DepartmentDirectory.defaults());
        SecurityEvent e =
                Samples.decode(
                        d,
                        "syslog",
                        "<38>Nov 25 12:00:00 h sshd[1]: Failed password for root from 10.12.0.9 port 22 ssh2 "
                                + "x".repeat(500));
        assertThat(e.event.original).hasSize(64);
        assertThat(e.source.ip).isEqualTo("10.12.0.9");
    }

    @Test
    void hostNamesAreNeverResolved() {
        assertThat(Net.ip("localhost")).isNull();
        assertThat(Net.ip("example.com")).isNull();
        assertThat(Net.ip(".:")).isNull();
        assertThat(Net.ip("g::1")).isNull();
        assertThat(Net.ip("::ffff:10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(Net.ip("2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(Net.ip("2001:0DB8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Net.ip("::1")).isEqualTo("::1");
        assertThat(Net.ip("fe80::")).isEqualTo("fe80::");
        assertThat(Net.ip("1:2")).isNull();
    }
}
