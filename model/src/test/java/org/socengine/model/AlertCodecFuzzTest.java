package org.socengine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary codecs of alerts and events (Flink state, the alert topic's values) on arbitrary
 * bytes: either the bytes are one alert or event, and writing it again gives bytes that read back
 * to the same thing, or the read fails cleanly with {@link UncheckedIOException}. Nothing else may
 * escape: no index error, no out-of-memory from a length field that claims gigabytes.
 *
 * <p>In the test command these run over the kept corpus in {@code AlertCodecFuzzTestInputs/}
 * (regression mode); {@code JAZZER_FUZZ=1} fuzzes one of them (README, "Fuzzing").
 */
class AlertCodecFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void alertBytes(byte[] bytes) {
        Alert a;
        try {
            a = AlertCodec.fromBytes(bytes);
        } catch (UncheckedIOException refused) {
            assertThat(refused.getCause()).isInstanceOf(IOException.class);
            return;
        }
        byte[] again = AlertCodec.toBytes(a);
        assertThat(AlertCodec.toBytes(AlertCodec.fromBytes(again))).isEqualTo(again);
    }

    @FuzzTest(maxDuration = "60s")
    void eventBytes(byte[] bytes) {
        SecurityEvent e;
        try {
            e = SecurityEventCodec.fromBytes(bytes);
        } catch (UncheckedIOException refused) {
            assertThat(refused.getCause()).isInstanceOf(IOException.class);
            return;
        }
        byte[] again = SecurityEventCodec.toBytes(e);
        assertThat(SecurityEventCodec.toBytes(SecurityEventCodec.fromBytes(again)))
                .isEqualTo(again);
    }

    /** Alerts built from fuzzed values (lone surrogates, empty and huge strings) round-trip. */
    @FuzzTest(maxDuration = "60s")
    void alertRoundTrip(FuzzedDataProvider data) {
        Alert a = new Alert();
        a.id = nullable(data);
        a.timestamp = data.consumeLong();
        a.ruleId = nullable(data);
        a.ruleName = nullable(data);
        a.ruleVersion = data.consumeInt();
        a.severity = nullable(data);
        a.riskScore = data.consumeInt();
        a.tags = data.consumeBoolean() ? null : strings(data);
        a.departmentId = nullable(data);
        a.entity = data.consumeBoolean() ? null : map(data);
        a.details = data.consumeBoolean() ? null : map(data);
        a.windowStart = data.consumeLong();
        a.windowEnd = data.consumeLong();
        a.count = data.consumeLong();
        a.province = data.consumeBoolean();
        a.late = data.consumeBoolean();
        a.departments = data.consumeBoolean() ? null : strings(data);
        if (data.consumeBoolean()) {
            SecurityEvent e = new SecurityEvent();
            e.timestamp = data.consumeLong();
            e.event = new SecurityEvent.Event();
            e.event.action = nullable(data);
            e.user = new SecurityEvent.User();
            e.user.name = nullable(data);
            e.source = new SecurityEvent.Endpoint();
            e.source.ip = nullable(data);
            e.fields = data.consumeBoolean() ? null : map(data);
            a.evidence = new ArrayList<>(List.of(e));
            if (data.consumeBoolean()) {
                a.evidence.add(null);
            }
        }
        a.status = nullable(data);
        a.disposition = data.consumeRemainingAsString();

        byte[] bytes = AlertCodec.toBytes(a);
        Alert back = AlertCodec.fromBytes(bytes);
        assertThat(AlertCodec.toBytes(back)).isEqualTo(bytes);
        assertThat(back.id).isEqualTo(a.id);
        assertThat(back.ruleName).isEqualTo(a.ruleName);
        assertThat(back.timestamp).isEqualTo(a.timestamp);
        assertThat(back.tags).isEqualTo(a.tags);
        assertThat(back.entity).isEqualTo(a.entity);
        assertThat(back.disposition).isEqualTo(a.disposition);
        assertThat(back.departments).isEqualTo(a.departments);
    }

    private static String nullable(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : data.consumeString(64);
    }

    private static List<String> strings(FuzzedDataProvider data) {
        List<String> out = new ArrayList<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            out.add(nullable(data));
        }
        return out;
    }

    private static Map<String, String> map(FuzzedDataProvider data) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            out.put(nullable(data), nullable(data));
        }
        return out;
    }
}
