package org.socengine.connectors.decode.core;

import java.io.Serializable;
import org.socengine.model.SecurityEvent;

/**
 * Turns one raw record of one source format into a normalized {@link SecurityEvent}. A decoder
 * either returns an event or throws {@link DecodeException} with the reason; it never returns
 * silently nothing for a record it could not read, and never throws anything else (the caller still
 * guards against bugs and dead-letters them as {@code internal_error}).
 *
 * <p>Decoders are created per task and used by one thread; they may keep caches.
 */
public interface Decoder extends Serializable {

    /** The source name this decoder reads ({@code syslog}, {@code suricata}, ...). */
    String source();

    /**
     * Decodes one record. The event carries at least {@code @timestamp}, {@code event.kind}, {@code
     * event.module} (the source) and {@code event.original}.
     *
     * @return the event, or null for a control record that carries no event by design (a Zeek TSV
     *     header line); such records are counted as skipped, not dead-lettered
     */
    SecurityEvent decode(RawRecord record) throws DecodeException;
}
