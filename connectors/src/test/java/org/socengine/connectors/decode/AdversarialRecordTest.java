package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.SecurityEvent;

/**
 * Every decoder decides a hostile record of the maximum size in linear time: each header that leads
 * down one of its paths, followed by about a megabyte of what its scanners and patterns stop on.
 * The bound is generous (a linear decoder takes milliseconds; the quadratic ASA pattern this
 * replaced took minutes); it only catches a record that stalls a partition.
 */
class AdversarialRecordTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    @Test
    void everyDecoderHasHostileRecords() {
        assertThat(AdversarialRecords.sources())
                .containsExactlyInAnyOrderElementsOf(Decoders.sources());
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRecordIsDecidedInTime() {
        RecordDecoder decoder = Samples.recordDecoder();
        // The whole catalogue (every header with every filler, 4,400 records, 80 s) with
        // -Dsoc.adversarial=all; a seventh of it by default.
        boolean all = "all".equals(System.getProperty("soc.adversarial"));
        return (all ? AdversarialRecords.all() : AdversarialRecords.sample())
                .stream().map(h -> dynamicTest(h.toString(), () -> decidedInTime(decoder, h)));
    }

    /** The record of issue 11: minutes in the ASA decoder before its endpoint scan was linear. */
    @Test
    void asaMessageIdFollowedByAHundredThousandLettersDecodesInTime() {
        assertThat(AdversarialRecords.ASA_REGRESSION).hasSize(15 + 100_000);
        SecurityEvent e =
                assertTimeoutPreemptively(
                        BOUND, () -> Samples.decode("asa", AdversarialRecords.ASA_REGRESSION));
        assertThat(e.event.code).isEqualTo("999999");
        assertThat(e.event.action).isEqualTo("asa_999999");
        assertThat(e.source).isNull();
    }

    @Test
    void theAsaRegressionBehindASyslogHeaderDecodesInTime() {
        String line = "<166>Nov 25 12:00:00 fw01 " + AdversarialRecords.ASA_REGRESSION;
        SecurityEvent e = assertTimeoutPreemptively(BOUND, () -> Samples.decode("syslog", line));
        assertThat(e.event.code).isEqualTo("999999");
    }

    @Test
    void aRecordOneByteOverTheLimitIsTooLargeBeforeDecoding() {
        byte[] head = AdversarialRecords.ASA_REGRESSION.getBytes(StandardCharsets.UTF_8);
        byte[] big = Arrays.copyOf(head, DecoderOptions.DEFAULT_MAX_RECORD_BYTES + 1);
        Arrays.fill(big, head.length, big.length, (byte) 'a');
        for (String source : Decoders.sources()) {
            RawRecord r = Samples.record(source, "x");
            r.value = big;
            RecordDecoder.Outcome o =
                    assertTimeoutPreemptively(
                            BOUND, () -> Samples.recordDecoder().decode(r, Samples.NOW));
            assertThat(o.deadLetter()).as(source).isNotNull();
            assertThat(o.deadLetter().reasonCode).as(source).isEqualTo("too_large");
        }
    }

    @Test
    void deepJsonNestingIsMalformedNotAStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        for (String source : new String[] {"suricata", "zeek", "netflow", "winlog"}) {
            RecordDecoder.Outcome o =
                    Samples.recordDecoder().decode(Samples.record(source, deep), Samples.NOW);
            assertThat(o.deadLetter()).as(source).isNotNull();
            assertThat(o.deadLetter().reasonCode).as(source).isEqualTo("malformed");
            assertThat(o.deadLetter().reason).as(source).contains("too deep");
        }
    }

    private static void decidedInTime(RecordDecoder decoder, AdversarialRecords.Hostile h) {
        RawRecord r = Samples.record(h.source(), "x");
        r.value = h.value();
        assertThat(r.value.length).isLessThanOrEqualTo(DecoderOptions.DEFAULT_MAX_RECORD_BYTES);
        RecordDecoder.Outcome o =
                assertTimeoutPreemptively(
                        BOUND, () -> decoder.decode(r, Samples.NOW), () -> h + " took over 5 s");
        assertThat(o.event() != null || o.deadLetter() != null || o.skipped()).isTrue();
        if (o.deadLetter() != null) {
            assertThat(o.deadLetter().reasonCode)
                    .as("%s: %s", h, o.deadLetter().reason)
                    .isNotEqualTo("internal_error");
        }
    }
}
