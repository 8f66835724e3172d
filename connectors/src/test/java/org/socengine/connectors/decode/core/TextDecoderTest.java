package org.socengine.connectors.decode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

/**
 * A record of ASCII bytes is read without a UTF-8 decoder: every record, ASCII or not, still gives
 * the text (or the refusal) that decoding it as strict UTF-8 gave.
 */
class TextDecoderTest {

    /** Returns the line it was given as the event's original. */
    private static final class Echo extends TextDecoder {
        Echo() {
            super("echo", DecoderOptions.defaults());
        }

        @Override
        protected SecurityEvent decode(String line, RawRecord record) {
            return newEvent(line);
        }
    }

    private static String outcome(byte[] value) {
        RawRecord record = RawRecord.of("echo", "x");
        record.value = value;
        try {
            return "text " + new Echo().decode(record).event.original;
        } catch (DecodeException e) {
            return "refused " + e.reason() + ": " + e.getMessage();
        }
    }

    /** The record's text as strict UTF-8 decoding read it for every record. */
    private static String strictUtf8(byte[] value) {
        if (value.length == 0) {
            return "refused EMPTY: empty record";
        }
        String s;
        try {
            s =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(value))
                            .toString();
        } catch (CharacterCodingException e) {
            return "refused NOT_UTF8: record is not valid UTF-8";
        }
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        s = s.substring(0, end);
        if (s.isBlank()) {
            return "refused EMPTY: blank record";
        }
        if (s.indexOf(0) >= 0) {
            return "refused MALFORMED: record contains a NUL character";
        }
        return "text " + s;
    }

    @Test
    void everyRecordReadsAsStrictUtf8ReadIt() {
        byte[][] bytes = {
            "<38>Nov 20 00:00:00 host sshd[1]: Accepted publickey for u".getBytes(),
            "line\r\n".getBytes(),
            "\n".getBytes(),
            " \t ".getBytes(),
            {'a', 0, 'b'},
            {'a', 0x7f, 'b'},
            "h\u00e9llo".getBytes(StandardCharsets.UTF_8),
            {'a', (byte) 0xc3},
            {(byte) 0xff},
            {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80},
        };
        for (byte[] value : bytes) {
            assertThat(outcome(value)).isEqualTo(strictUtf8(value));
        }
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] value = new byte[1 + random.nextInt(40)];
            for (int k = 0; k < value.length; k++) {
                // Mostly ASCII (control characters and DEL included), now and then a high byte.
                value[k] =
                        random.nextInt(20) == 0
                                ? (byte) (0x80 + random.nextInt(128))
                                : (byte) random.nextInt(128);
            }
            assertThat(outcome(value)).isEqualTo(strictUtf8(value));
        }
    }
}
