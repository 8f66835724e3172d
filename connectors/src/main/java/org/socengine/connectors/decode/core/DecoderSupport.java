package org.socengine.connectors.decode.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.socengine.model.SecurityEvent;

/** What every decoder does the same way: strict text, size limits, the common ECS fields. */
public final class DecoderSupport {

    private DecoderSupport() {}

    /** The record as text: refuses empty, oversized and non-UTF-8 records with a reason. */
    public static String text(RawRecord record, DecoderOptions options) throws DecodeException {
        byte[] value = record.value;
        if (value == null || value.length == 0) {
            throw new DecodeException(DecodeException.Reason.EMPTY, "empty record");
        }
        if (value.length > options.maxRecordBytes()) {
            throw new DecodeException(
                    DecodeException.Reason.TOO_LARGE,
                    "record of " + value.length + " bytes exceeds " + options.maxRecordBytes());
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
            throw new DecodeException(DecodeException.Reason.NOT_UTF8, "record is not valid UTF-8");
        }
        // Shippers end lines differently; the line itself is what counts.
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        s = s.substring(0, end);
        if (s.isBlank()) {
            throw new DecodeException(DecodeException.Reason.EMPTY, "blank record");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED, "record contains a NUL character");
            }
        }
        return s;
    }

    /** Creates the event with the fields every decoder sets. */
    public static SecurityEvent newEvent(String source, String original, DecoderOptions options) {
        SecurityEvent e = new SecurityEvent();
        SecurityEvent.Event ev = e.ensureEvent();
        ev.kind = "event";
        ev.module = source;
        ev.original = cap(original, options.maxOriginalBytes());
        return e;
    }

    public static String cap(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        return s.substring(0, maxChars);
    }

    /** Parses a port, or null when the text is not one. */
    public static Integer port(String s) {
        if (s == null || s.isEmpty() || s.length() > 5) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return null;
            }
        }
        int p = Integer.parseInt(s);
        return p <= 65535 ? p : null;
    }
}
