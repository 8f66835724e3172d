package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * Whatever arrives on a topic, the decode stage ends every record as an event, a dead letter with a
 * reason, or a skipped control record, and never throws. Bad input is never an internal error: that
 * reason is kept for decoder bugs.
 */
class RobustnessTest {

    /** A valid record of each source, and a cut of it that no longer holds a whole record. */
    static final Map<String, String[]> SAMPLES =
            Map.of(
                    "syslog",
                    new String[] {
                        "<38>Nov 25 12:00:00 web01 sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2",
                        "<38>Nov 25 12:0"
                    },
                    "cef",
                    new String[] {
                        "CEF:0|Vendor|Product|1.0|100|Port scan|7|src=10.0.0.1 dst=10.0.0.2 rt=1795608000000",
                        "CEF:0|Vendor|Product|1.0|10"
                    },
                    "leef",
                    new String[] {
                        "LEEF:1.0|Vendor|Product|1.0|login|src=10.0.0.1\tusrName=alice\tdevTime=1795608000000",
                        "LEEF:1.0|Vendor|Prod"
                    },
                    "asa",
                    new String[] {
                        "Nov 25 2026 12:00:00: %ASA-4-106023: Deny tcp src outside:198.51.100.9/40000 dst inside:10.14.1.20/3389 by access-group \"outside_in\" [0x0, 0x0]",
                        "Nov 25 2026 12:00:00: %AS"
                    },
                    "web",
                    new String[] {
                        "10.0.0.1 - - [25/Nov/2026:12:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"-\" \"curl/8\"",
                        "10.0.0.1 - - [25/Nov/2026:12:00:00 +0000] \"GET /index.ht"
                    },
                    "suricata",
                    new String[] {
                        "{\"timestamp\":\"2026-11-25T12:00:00.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.2\",\"proto\":\"TCP\",\"alert\":{\"signature_id\":1,\"signature\":\"x\",\"category\":\"y\",\"severity\":2}}",
                        "{\"timestamp\":\"2026-11-25T12:00:00.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"10."
                    },
                    "zeek",
                    new String[] {
                        "{\"ts\":1795608000.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.2\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"a.example\"}",
                        "1795608000.000000\tC1\t10.0.0.1\t1\t10.0.0.2"
                    },
                    "netflow",
                    new String[] {
                        "{\"ip_src\":\"10.0.0.1\",\"ip_dst\":\"10.0.0.2\",\"port_src\":1,\"port_dst\":2,\"ip_proto\":\"tcp\",\"timestamp_start\":\"2026-11-25 12:00:00.000000\",\"packets\":1,\"bytes\":60}",
                        "{\"ip_src\":\"10.0.0.1\",\"ip_dst\":\"10.0.0.2\",\"port_src\":1,\"po"
                    },
                    "winlog",
                    new String[] {
                        "{\"EventTime\":\"2026-11-25 12:00:00\",\"Hostname\":\"PC1\",\"EventID\":4625,\"Channel\":\"Security\",\"TargetUserName\":\"admin\",\"IpAddress\":\"10.0.0.1\"}",
                        "{\"EventTime\":\"2026-11-25 12:00:00\",\"Hostname\":\"PC1\",\"Event"
                    },
                    "dns",
                    new String[] {
                        "25-Nov-2026 12:00:00.000 queries: info: client @0x1 10.0.0.1#5353 (a.example): query: a.example IN A + (10.0.0.53)",
                        "25-Nov-2026 12:00:00.000 queries: info: client @0x1 10.0.0.1#53"
                    });

    static Stream<String> sources() {
        return Decoders.sources().stream();
    }

    @Test
    void everyRegisteredSourceHasSamples() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(Decoders.sources());
    }

    @ParameterizedTest
    @MethodSource("sources")
    void theValidSampleDecodes(String source) {
        Samples.decode(source, SAMPLES.get(source)[0]);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void truncatedRecordIsDeadLettered(String source) {
        String reason = Samples.deadLetter(source, SAMPLES.get(source)[1]);
        assertThat(reason).isIn("truncated", "malformed", "wrong_format", "bad_timestamp");
    }

    @ParameterizedTest
    @MethodSource("sources")
    void binaryGarbageIsDeadLettered(String source) {
        Random random = new Random(42);
        for (int i = 0; i < 50; i++) {
            byte[] b = new byte[1 + random.nextInt(2048)];
            random.nextBytes(b);
            RecordDecoder.Outcome o = decode(source, b);
            assertThat(o.deadLetter()).as("garbage %d", i).isNotNull();
            assertThat(o.deadLetter().reasonCode).isNotEqualTo("internal_error");
            assertThat(
                            o.deadLetter().toTree().has("raw_base64")
                                    || o.deadLetter().toTree().has("raw"))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void tenMegabyteLineIsTooLarge(String source) {
        byte[] big = new byte[10 * 1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        byte[] head = SAMPLES.get(source)[0].getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, big, 0, head.length);
        RecordDecoder.Outcome o = decode(source, big);
        assertThat(o.deadLetter()).isNotNull();
        assertThat(o.deadLetter().reasonCode).isEqualTo("too_large");
        // The dead letter keeps the first megabyte and says how large the record was.
        assertThat(o.deadLetter().toTree().get("raw_truncated_from").asInt()).isEqualTo(big.length);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void invalidUtf8IsDeadLettered(String source) {
        byte[] valid = SAMPLES.get(source)[0].getBytes(StandardCharsets.UTF_8);
        byte[] bad = Arrays.copyOf(valid, valid.length + 2);
        bad[valid.length / 2] = (byte) 0xC3;
        bad[valid.length / 2 + 1] = (byte) 0x28;
        bad[valid.length] = (byte) 0xFF;
        bad[valid.length + 1] = (byte) 0xFE;
        RecordDecoder.Outcome o = decode(source, bad);
        assertThat(o.deadLetter()).isNotNull();
        assertThat(o.deadLetter().reasonCode).isEqualTo("not_utf8");
        assertThat(o.deadLetter().toTree().has("raw_base64")).isTrue();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void emptyAndBlankRecordsAreDeadLettered(String source) {
        assertThat(decode(source, new byte[0]).deadLetter().reasonCode).isEqualTo("empty");
        assertThat(decode(source, " \n".getBytes(StandardCharsets.UTF_8)).deadLetter().reasonCode)
                .isEqualTo("empty");
        assertThat(decode(source, "a\0b".getBytes(StandardCharsets.UTF_8)).deadLetter().reasonCode)
                .isEqualTo("malformed");
    }

    @ParameterizedTest
    @MethodSource("sources")
    void recordsOfOtherFormatsAreDeadLettered(String source) {
        for (Map.Entry<String, String[]> other : SAMPLES.entrySet()) {
            if (acceptsAlso(source, other.getKey())) {
                continue;
            }
            RecordDecoder.Outcome o =
                    decode(source, other.getValue()[0].getBytes(StandardCharsets.UTF_8));
            assertThat(o.deadLetter())
                    .as("%s record on the %s topic", other.getKey(), source)
                    .isNotNull();
            assertThat(o.deadLetter().reasonCode).isNotEqualTo("internal_error");
        }
    }

    /**
     * Formats that legitimately read each other's records: syslog carries CEF, LEEF, ASA, web and
     * DNS lines behind its header; CEF, LEEF and ASA read their body behind any syslog header; web
     * and dns read syslog lines of nginx, named and dnsmasq.
     */
    private static boolean acceptsAlso(String topic, String record) {
        if (topic.equals(record)) {
            return true;
        }
        return (topic.equals("syslog") && List.of("asa").contains(record));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void randomTextAndMutationsNeverEscape(String source) {
        Random random = new Random(source.hashCode() * 31L + 7);
        RecordDecoder d = Samples.recordDecoder();
        String valid = SAMPLES.get(source)[0];
        String alphabet = "{}[]\":,|=\\ \t<>%-./0123456789abcdefABCDEF#@()'\u00e9\u4e2d";
        for (int i = 0; i < 2000; i++) {
            String input;
            switch (i % 4) {
                case 0 -> {
                    StringBuilder b = new StringBuilder();
                    int n = 1 + random.nextInt(300);
                    for (int k = 0; k < n; k++) {
                        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                    input = b.toString();
                }
                case 1 -> {
                    char[] c = valid.toCharArray();
                    for (int k = 0; k < 1 + random.nextInt(5); k++) {
                        c[random.nextInt(c.length)] =
                                alphabet.charAt(random.nextInt(alphabet.length()));
                    }
                    input = new String(c);
                }
                case 2 -> input = valid.substring(0, random.nextInt(valid.length()));
                default -> {
                    int a = random.nextInt(valid.length());
                    int b = random.nextInt(valid.length());
                    input =
                            valid.substring(0, Math.min(a, b))
                                    + valid.substring(Math.max(a, b))
                                    + valid.substring(Math.min(a, b), Math.max(a, b));
                }
            }
            RawRecord r = Samples.record(source, input);
            RecordDecoder.Outcome o = d.decode(r, Samples.NOW);
            int set = (o.event() != null ? 1 : 0) + (o.deadLetter() != null ? 1 : 0);
            assertThat(set).as("exactly one outcome for %s", input).isLessThanOrEqualTo(1);
            if (o.deadLetter() != null) {
                assertThat(o.deadLetter().reasonCode)
                        .as("reason for %s", input)
                        .isNotEqualTo("internal_error");
                assertThat(o.deadLetter().reason).isNotBlank();
            }
            if (o.event() != null) {
                assertThat(o.event().timestamp).isPositive();
                assertThat(o.event().event.module).isNotNull();
            }
        }
    }

    @Test
    void unknownSourceIsDeadLettered() {
        RawRecord r = RawRecord.of("nosuch", "hello");
        RecordDecoder.Outcome o = Samples.recordDecoder().decode(r, Samples.NOW);
        assertThat(o.deadLetter().reasonCode).isEqualTo("unsupported");
    }

    private static RecordDecoder.Outcome decode(String source, byte[] value) {
        RawRecord r = Samples.record(source, "x");
        r.value = value;
        return Samples.recordDecoder().decode(r, Samples.NOW);
    }
}
