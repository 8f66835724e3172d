package org.socengine.connectors.decode.syslog;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.format.SyslogHeader;
import org.socengine.model.SecurityEvent;

/**
 * Syslog as rsyslog and network devices send it: RFC 3164 (BSD) and RFC 5424 headers, with or
 * without a priority, and RFC 6587 octet-counted framing ({@link SyslogHeader}). The message is
 * then read by the parser of its program (sshd, sudo, su, useradd, kernel netfilter, cron, ...), or
 * by the shared format of its body (CEF, LEEF, Cisco ASA, access log, DNS query log) when it is one
 * of those, which sets the ECS fields a rule needs.
 */
public class SyslogDecoder extends TextDecoder {

    public static final String SOURCE = "syslog";

    private static final Pattern OCTET_COUNT =
            Pattern.compile("^(\\d{1,7}) (<\\d{1,3}>.*)$", Pattern.DOTALL);

    public SyslogDecoder() {
        this(DecoderOptions.defaults());
    }

    public SyslogDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        // Only a line that starts with a digit can be an octet-counted frame.
        Matcher oc =
                !line.isEmpty() && Scan.isDigit(line.charAt(0)) ? OCTET_COUNT.matcher(line) : null;
        if (oc != null && oc.matches()) {
            int declared = Integer.parseInt(oc.group(1));
            String frame = oc.group(2);
            int actual = frame.getBytes(StandardCharsets.UTF_8).length;
            if (actual < declared) {
                throw new DecodeException(
                        DecodeException.Reason.TRUNCATED,
                        "octet-counted frame declares " + declared + " bytes, has " + actual);
            }
            line = frame;
        }
        SyslogHeader h = SyslogHeader.parse(line, record, options);
        if (h == null) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "no RFC 3164 or RFC 5424 syslog header");
        }
        SecurityEvent event = newEvent(line);
        h.applyTo(event, options);
        String program = h.program();
        event.event.dataset =
                SOURCE + "." + (program == null ? "unknown" : program.toLowerCase(Locale.ROOT));
        event.field("syslog.message", DecoderSupport.cap(h.message(), options.maxOriginalBytes()));
        SyslogMessages.parse(program, h.message(), event, options);
        SecurityEvent.Event ev = event.ensureEvent();
        if (ev.action == null) {
            // A message no parser knows is still a host log line that rules can match on text.
            ev.category = ev.category == null ? "host" : ev.category;
            ev.type = ev.type == null ? "info" : ev.type;
            ev.action = "syslog_message";
        }
        return event;
    }
}
