package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SecurityEventCodec;

/**
 * Every decoder through the path the job takes ({@link RecordDecoder} with a department trust
 * policy): whatever the bytes, topic, key and {@code department} header, a record ends as exactly
 * one of an event, a dead letter with a reason, or a skipped control record. No exception escapes,
 * and none is caught as {@code internal_error} either: that reason is for decoder bugs, and a fuzz
 * input that reaches it is one.
 *
 * <p>One fuzz test per source, so that each has its own corpus under {@code
 * DecoderFuzzTestInputs/<source>/}: the decoders' sample lines as seeds, and every input that once
 * failed. The last byte of an input picks the topic, header and key; the rest is the record value.
 * In the test command these run over the corpus (regression mode); {@code JAZZER_FUZZ=1} fuzzes one
 * of them (README, "Fuzzing").
 */
class DecoderFuzzTest {

    private static final DepartmentDirectory DIRECTORY = DepartmentDirectory.defaults();

    /** Shared topics trusted for their header, relays not, and department topics. */
    private static final RecordDecoder DECODER =
            new RecordDecoder(DecoderOptions.defaults(), Map.of(), DIRECTORY, policy(), null);

    private static final String[] CLAIMS = {
        null, "so-yt", "so-tc", "so-nowhere", "", "so-yt\u0000x"
    };

    private static DepartmentTrustPolicy policy() {
        Map<String, String> p = new HashMap<>();
        for (String source : Decoders.sources()) {
            p.put("topic.soc.raw." + source + ".trust_header", "true");
            p.put("topic.soc.raw." + source + ".relay.unattributed", "dead_letter");
        }
        return DepartmentTrustPolicy.fromProperties(p, DIRECTORY);
    }

    @FuzzTest(maxDuration = "60s")
    void syslog(FuzzedDataProvider data) {
        decode("syslog", data);
    }

    @FuzzTest(maxDuration = "60s")
    void cef(FuzzedDataProvider data) {
        decode("cef", data);
    }

    @FuzzTest(maxDuration = "60s")
    void leef(FuzzedDataProvider data) {
        decode("leef", data);
    }

    @FuzzTest(maxDuration = "60s")
    void asa(FuzzedDataProvider data) {
        decode("asa", data);
    }

    @FuzzTest(maxDuration = "60s")
    void web(FuzzedDataProvider data) {
        decode("web", data);
    }

    @FuzzTest(maxDuration = "60s")
    void suricata(FuzzedDataProvider data) {
        decode("suricata", data);
    }

    @FuzzTest(maxDuration = "60s")
    void zeek(FuzzedDataProvider data) {
        decode("zeek", data);
    }

    @FuzzTest(maxDuration = "60s")
    void netflow(FuzzedDataProvider data) {
        decode("netflow", data);
    }

    @FuzzTest(maxDuration = "60s")
    void winlog(FuzzedDataProvider data) {
        decode("winlog", data);
    }

    @FuzzTest(maxDuration = "60s")
    void dns(FuzzedDataProvider data) {
        decode("dns", data);
    }

    @Test
    void everyDecoderHasAFuzzTest() {
        Set<String> targets =
                Arrays.stream(DecoderFuzzTest.class.getDeclaredMethods())
                        .filter(m -> m.isAnnotationPresent(FuzzTest.class))
                        .map(Method::getName)
                        .collect(Collectors.toSet());
        assertThat(targets).containsExactlyInAnyOrderElementsOf(Decoders.sources());
    }

    private static void decode(String source, FuzzedDataProvider data) {
        int choice = data.consumeByte() & 0xFF;
        RawRecord r = new RawRecord();
        r.source = null; // from the topic, as in the job
        r.topic =
                switch (choice % 3) {
                    case 0 -> "soc.raw." + source;
                    case 1 -> "soc.raw." + source + ".relay";
                    default -> "soc.raw." + source + ".so-yt";
                };
        r.partition = 0;
        r.offset = choice;
        r.kafkaTimestamp = Samples.NOW;
        r.departmentHeader = CLAIMS[(choice / 3) % CLAIMS.length];
        r.key = CLAIMS[(choice / 18) % CLAIMS.length];
        r.conflictingDepartmentHeaders = choice >= 216;
        r.value = data.consumeRemainingAsBytes();

        RecordDecoder.Outcome o = DECODER.decode(r, Samples.NOW);

        assertThat(o.event() != null && o.deadLetter() != null).as("both outcomes").isFalse();
        if (o.deadLetter() != null) {
            DeadLetter d = o.deadLetter();
            assertThat(d.reasonCode).isNotBlank();
            assertThat(d.reasonCode)
                    .as("a decoder bug: %s", d.reason)
                    .isNotEqualTo("internal_error");
            assertThat(d.reason).isNotBlank();
            assertThat(d.source).isEqualTo(source);
            assertThat(d.toJson()).contains(d.reasonCode);
        } else if (o.event() != null) {
            SecurityEvent e = o.event();
            assertThat(e.timestamp).isPositive();
            assertThat(e.event.module).isNotBlank();
            assertThat(e.event.original).isNotNull();
            // What Flink does to the event next: it must survive the wire.
            byte[] bytes = SecurityEventCodec.toBytes(e);
            assertThat(SecurityEventCodec.toBytes(SecurityEventCodec.fromBytes(bytes)))
                    .isEqualTo(bytes);
        } else {
            assertThat(o.skipped()).isTrue();
        }
    }
}
