package org.socengine.connectors.decode.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.socengine.model.SecurityEvent;

/**
 * What every decoder does before it reads a record, written once: the record is refused as empty,
 * too large, not UTF-8 or holding a NUL, and its line end is cut off, before the decoder of a
 * source sees it as a line of text; every event starts with the same kind, module and original
 * ({@link #newEvent}). A decoder supplies only what differs: how its source's line becomes an
 * event. The decode stage ({@code RecordDecoder}) does the rest once for all: the size limit before
 * any decoder runs, dead letters with reason and origin, the department.
 *
 * <p>A decoder reads its source's formats (the parsers of {@code decode.format} and its own), never
 * another decoder.
 */
public abstract class TextDecoder implements Decoder {

    private final String source;

    /** The options of this source (time zone, year, size limits). */
    protected final DecoderOptions options;

    protected TextDecoder(String source, DecoderOptions options) {
        this.source = source;
        this.options = options;
    }

    @Override
    public final String source() {
        return source;
    }

    @Override
    public final SecurityEvent decode(RawRecord record) throws DecodeException {
        return decode(text(record, options), record);
    }

    /**
     * Decodes one line of this source.
     *
     * @param line the record's text: UTF-8, not blank, without NUL, line end removed
     * @param record the record it came in, for its Kafka time
     * @return the event, or null for a control line that carries none by design
     */
    protected abstract SecurityEvent decode(String line, RawRecord record) throws DecodeException;

    /** The event with the fields every decoder sets: kind, module (the source) and original. */
    protected final SecurityEvent newEvent(String line) {
        SecurityEvent e = new SecurityEvent();
        SecurityEvent.Event ev = e.ensureEvent();
        ev.kind = "event";
        ev.module = source;
        ev.original = DecoderSupport.cap(line, options.maxOriginalBytes());
        return e;
    }

    /** The record as text: refuses empty, oversized, non-UTF-8 and NUL records with a reason. */
    private static String text(RawRecord record, DecoderOptions options) throws DecodeException {
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
        if (ascii(value)) {
            // ASCII bytes are their own UTF-8 characters, so Latin-1 reads the same text without a
            // decoder, a buffer and a copy per record (and gives the compact one-byte string).
            s = new String(value, StandardCharsets.ISO_8859_1);
        } else {
            s = utf8(value);
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
        if (s.indexOf(0) >= 0) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "record contains a NUL character");
        }
        return s;
    }

    private static boolean ascii(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] value) throws DecodeException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException(DecodeException.Reason.NOT_UTF8, "record is not valid UTF-8");
        }
    }
}
