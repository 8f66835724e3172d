package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordMutatorTest {

    private static final byte[] LINE =
            ("CEF:0|Fortinet|FortiGate|7.2|13|traffic forward|5|src=10.12.0.5 dst=203.0.113.9"
                            + " spt=50000 dpt=443 proto=6 act=accept rt=1795608000000")
                    .getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER =
            "{\"EventTime\":\"2026-11-25 12:00:00\",\"Hostname\":\"PC1\",\"EventID\":4625}"
                    .getBytes(StandardCharsets.UTF_8);

    @Test
    void sameSeedSameRecords() {
        RecordMutator a = new RecordMutator(7);
        RecordMutator b = new RecordMutator(7);
        for (int i = 0; i < 500; i++) {
            RecordMutator.Mutant x = a.mutate(LINE, OTHER);
            RecordMutator.Mutant y = b.mutate(LINE, OTHER);
            assertThat(y.kind()).isEqualTo(x.kind());
            assertThat(y.value()).isEqualTo(x.value());
        }
    }

    @Test
    void everyKindIsDrawnAndTheLineIsNeverChanged() {
        byte[] line = LINE.clone();
        RecordMutator m = new RecordMutator(1);
        Map<RecordMutator.Kind, Integer> seen = new EnumMap<>(RecordMutator.Kind.class);
        for (int i = 0; i < 5_000; i++) {
            RecordMutator.Mutant x = m.mutate(line, OTHER);
            seen.merge(x.kind(), 1, Integer::sum);
            assertThat(x.value()).isNotSameAs(line);
        }
        assertThat(line).isEqualTo(LINE);
        assertThat(seen.keySet()).containsExactlyInAnyOrder(RecordMutator.Kind.values());
        // the weights hold roughly: bit flips are the most common, huge fields rare
        assertThat(seen.get(RecordMutator.Kind.BIT_FLIP))
                .isGreaterThan(seen.get(RecordMutator.Kind.HUGE_FIELD) * 4);
    }

    @Test
    void eachKindDoesWhatItSays() {
        RecordMutator m = new RecordMutator(3);
        for (int i = 0; i < 200; i++) {
            assertThat(m.apply(RecordMutator.Kind.VALID, LINE, OTHER)).isEqualTo(LINE);
            assertThat(m.apply(RecordMutator.Kind.TRUNCATE, LINE, OTHER).length)
                    .isLessThan(LINE.length);
            byte[] flipped = m.apply(RecordMutator.Kind.BIT_FLIP, LINE, OTHER);
            assertThat(flipped).hasSameSizeAs(LINE);
            assertThat(flipped).isNotEqualTo(LINE);
            assertThat(utf8(m.apply(RecordMutator.Kind.INVALID_UTF8, LINE, OTHER))).isFalse();
            assertThat(
                            new String(
                                    m.apply(RecordMutator.Kind.CONTROL_CHARS, LINE, OTHER),
                                    StandardCharsets.ISO_8859_1))
                    .containsPattern("[\\x00-\\x1f\\x7f]");
            byte[] huge = m.apply(RecordMutator.Kind.HUGE_FIELD, LINE, OTHER);
            assertThat(huge.length - LINE.length).isBetween(4096, RecordMutator.MAX_HUGE);
            assertThat(m.apply(RecordMutator.Kind.DEEP_NESTING, LINE, OTHER).length)
                    .isGreaterThanOrEqualTo(LINE.length + 1000);
            assertThat(m.apply(RecordMutator.Kind.DELIMITER_STORM, LINE, OTHER).length)
                    .isGreaterThanOrEqualTo(LINE.length + 100);
            byte[] spliced = m.apply(RecordMutator.Kind.SPLICE, LINE, OTHER);
            assertThat(spliced.length).isLessThanOrEqualTo(LINE.length + OTHER.length);
        }
    }

    @Test
    void emptyLinesAreMutatedToo() {
        RecordMutator m = new RecordMutator(5);
        for (RecordMutator.Kind k : RecordMutator.Kind.values()) {
            assertThat(m.apply(k, new byte[0], new byte[0])).isNotNull();
        }
    }

    private static boolean utf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
