package org.socengine.connectors.decode;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;

/**
 * Syslog as rsyslog and network devices send it: RFC 3164 (BSD) and RFC 5424 headers, with or
 * without a priority, and RFC 6587 octet-counted framing. The message is then read by the parser of
 * its program (sshd, sudo, su, useradd, kernel netfilter, cron, ...), or as CEF, LEEF or Cisco ASA
 * when the body is one of those, which sets the ECS fields a rule needs.
 */
public class SyslogDecoder implements Decoder {

    public static final String SOURCE = "syslog";

    private static final Pattern OCTET_COUNT =
            Pattern.compile("^(\\d{1,7}) (<\\d{1,3}>.*)$", Pattern.DOTALL);

    private final DecoderOptions options;

    public SyslogDecoder() {
        this(DecoderOptions.defaults());
    }

    public SyslogDecoder(DecoderOptions options) {
        this.options = options;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public SecurityEvent decode(RawRecord record) throws DecodeException {
        String line = DecoderSupport.text(record, options);
        Matcher oc = OCTET_COUNT.matcher(line);
        if (oc.matches()) {
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
        SecurityEvent event = DecoderSupport.newEvent(SOURCE, line, options);
        apply(h, event, options);
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

    /** Reads the body of a device message (CEF, LEEF) into an event. */
    interface BodyParser {
        void parse(String body, SecurityEvent event) throws DecodeException;
    }

    /**
     * A device message that starts at {@code marker}, behind an optional syslog header (a relay's
     * or the device's own): the header gives time and host, the body the rest; with neither time,
     * the record's Kafka time stands in.
     */
    static SecurityEvent decodeBehindHeader(
            RawRecord record, DecoderOptions options, String source, String marker, BodyParser body)
            throws DecodeException {
        String line = DecoderSupport.text(record, options);
        int at = line.indexOf(marker);
        if (at < 0) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "no " + marker + " header");
        }
        SecurityEvent e = DecoderSupport.newEvent(source, line, options);
        String prefix = line.substring(0, at).strip();
        if (!prefix.isEmpty()) {
            SyslogHeader h = SyslogHeader.parse(prefix, record, options);
            if (h != null) {
                apply(h, e, options);
            }
        }
        body.parse(line.substring(at), e);
        if (e.timestamp <= 0) {
            e.timestamp =
                    Times.received(record, marker.substring(0, marker.length() - 1) + " event");
        }
        return e;
    }

    /** Copies what a syslog header says onto the event: time, host, program, pid, priority. */
    static void apply(SyslogHeader h, SecurityEvent event, DecoderOptions options) {
        event.timestamp = h.time();
        if (h.priority() >= 0) {
            event.field("syslog.facility", Integer.toString(h.priority() / 8));
            event.field("syslog.severity", Integer.toString(h.priority() % 8));
            event.ensureEvent().severity = h.priority() % 8;
        }
        if (h.host() != null) {
            SecurityEvent.Host hst = event.ensureHost();
            hst.name = h.host();
            hst.hostname = h.host();
            SecurityEvent.Observer obs = event.ensureObserver();
            obs.hostname = h.host();
            String ip = Net.ip(h.host());
            if (ip != null) {
                hst.ip = ip;
                obs.ip = ip;
            }
        }
        if (h.program() != null) {
            event.ensureProcess().name = h.program();
        }
        if (h.pid() != null) {
            event.ensureProcess().pid = h.pid();
        }
        event.field("syslog.msgid", h.msgId());
        for (Map.Entry<String, String> sd : h.structuredData().entrySet()) {
            event.field(sd.getKey(), DecoderSupport.cap(sd.getValue(), options.maxOriginalBytes()));
        }
    }
}
