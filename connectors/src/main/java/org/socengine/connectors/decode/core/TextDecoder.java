package org.socengine.connectors.decode.core;

import org.socengine.model.SecurityEvent;

/**
 * What every decoder does before it reads a record, written once: the record is refused as empty,
 * too large, not UTF-8 or holding a NUL, and its line end is cut off ({@link DecoderSupport#text}),
 * before the decoder of a source sees it as a line of text. A decoder supplies only what differs:
 * how its source's line becomes an event, built on {@link #newEvent}.
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
        return decode(DecoderSupport.text(record, options), record);
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
        return DecoderSupport.newEvent(source, line, options);
    }
}
