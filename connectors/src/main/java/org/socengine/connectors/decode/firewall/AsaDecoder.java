package org.socengine.connectors.decode.firewall;

import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.core.Times;
import org.socengine.connectors.decode.format.AsaFormat;
import org.socengine.connectors.decode.format.SyslogHeader;
import org.socengine.model.SecurityEvent;

/**
 * Cisco ASA (and Firepower Threat Defense) syslog (source {@code asa}): the message is read by
 * {@link AsaFormat}; what precedes its message id gives time and host.
 */
public class AsaDecoder extends TextDecoder {

    public static final String SOURCE = "asa";

    public AsaDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        int start = AsaFormat.messageStart(line);
        if (start < 0) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "no %ASA-<level>-<id> message id");
        }
        SecurityEvent e = newEvent(line);
        // Whatever precedes the message id: a syslog header, the ASA's own timestamp (with the
        // year when "logging timestamp" is on), and maybe the device id.
        String prefix = line.substring(0, start).strip();
        if (prefix.endsWith(":")) {
            prefix = prefix.substring(0, prefix.length() - 1).strip();
        }
        if (!prefix.isEmpty()) {
            SyslogHeader h = SyslogHeader.parse(prefix, record, options);
            if (h != null) {
                h.applyTo(e, options);
                // A second timestamp (the ASA's own, after the relay's header) is more precise.
                SyslogHeader inner =
                        h.message().isBlank()
                                ? null
                                : SyslogHeader.parse(h.message(), record, options);
                if (inner != null) {
                    e.timestamp = inner.time();
                }
            }
        }
        AsaFormat.parse(line.substring(start), e);
        if (e.timestamp <= 0) {
            e.timestamp = Times.received(record, "ASA message");
        }
        return e;
    }
}
