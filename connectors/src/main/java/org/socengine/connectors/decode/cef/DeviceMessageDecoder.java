package org.socengine.connectors.decode.cef;

import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.core.Times;
import org.socengine.connectors.decode.format.SyslogHeader;
import org.socengine.model.SecurityEvent;

/**
 * A device message (CEF, LEEF) that starts at its marker, behind an optional syslog header (a
 * relay's or the device's own): the header gives time and host, the body the rest; with neither
 * time, the record's Kafka time stands in. The two sources differ only in the body's format.
 */
abstract class DeviceMessageDecoder extends TextDecoder {

    private final String marker;

    DeviceMessageDecoder(String source, String marker, DecoderOptions options) {
        super(source, options);
        this.marker = marker;
    }

    /** Reads the body, from the marker on, into the event. */
    protected abstract void parseBody(String body, SecurityEvent event) throws DecodeException;

    @Override
    protected final SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        int at = line.indexOf(marker);
        if (at < 0) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "no " + marker + " header");
        }
        SecurityEvent e = newEvent(line);
        String prefix = line.substring(0, at).strip();
        if (!prefix.isEmpty()) {
            SyslogHeader h = SyslogHeader.parse(prefix, record, options);
            if (h != null) {
                h.applyTo(e, options);
            }
        }
        parseBody(line.substring(at), e);
        if (e.timestamp <= 0) {
            e.timestamp =
                    Times.received(record, marker.substring(0, marker.length() - 1) + " event");
        }
        return e;
    }
}
