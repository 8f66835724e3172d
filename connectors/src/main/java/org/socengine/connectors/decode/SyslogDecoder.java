package org.socengine.connectors.decode;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;

/**
 * Syslog as rsyslog and network devices send it: RFC 3164 (BSD) and RFC 5424 headers, with or
 * without a priority, and RFC 6587 octet-counted framing. The message is then read by the parser of
 * its program (sshd, ...), which sets the ECS fields a rule needs.
 */
public class SyslogDecoder implements Decoder {

    public static final String SOURCE = "syslog";

    private static final Pattern OCTET_COUNT =
            Pattern.compile("^(\\d{1,7}) (<\\d{1,3}>.*)$", Pattern.DOTALL);
    private static final Pattern PRI = Pattern.compile("^<(\\d{1,3})>");
    private static final Pattern RFC3164 =
            Pattern.compile(
                    "^([A-Z][a-z]{2})\\s{1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)? (\\S+) (.*)$",
                    Pattern.DOTALL);
    private static final Pattern ISO_HEADER =
            Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\S+) (\\S+) (.*)$", Pattern.DOTALL);
    private static final Pattern RFC5424 =
            Pattern.compile(
                    "^1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+)(?: (.*))?$",
                    Pattern.DOTALL);
    private static final Pattern SD_ELEMENT =
            Pattern.compile("\\[([^\\s\\]]+)((?:[^\\]\\\\]|\\\\.)*)\\]");
    private static final Pattern SD_PARAM = Pattern.compile("(\\S+?)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TAG =
            Pattern.compile("^([\\w./@-]{1,64}?)(?:\\[(\\d{1,10})\\])?: ?(.*)$", Pattern.DOTALL);
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

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
            int actual = frame.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (actual < declared) {
                throw new DecodeException(
                        DecodeException.Reason.TRUNCATED,
                        "octet-counted frame declares " + declared + " bytes, has " + actual);
            }
            line = frame;
        }
        SecurityEvent event = DecoderSupport.newEvent(SOURCE, line, options);
        String rest = line;
        Matcher pri = PRI.matcher(rest);
        if (pri.find()) {
            int p = Integer.parseInt(pri.group(1));
            if (p > 191) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED, "syslog priority " + p + " out of range");
            }
            event.field("syslog.facility", Integer.toString(p / 8));
            event.field("syslog.severity", Integer.toString(p % 8));
            event.event.severity = p % 8;
            rest = rest.substring(pri.end());
        }
        String message;
        String program = null;
        Matcher m5424 = RFC5424.matcher(rest);
        Matcher m3164 = RFC3164.matcher(rest);
        Matcher iso = ISO_HEADER.matcher(rest);
        if (pri.hitEnd() || rest.startsWith("1 ")) {
            // fall through to the checks below
        }
        if (rest.startsWith("1 ") && m5424.matches()) {
            event.timestamp = isoTime(m5424.group(1));
            host(event, m5424.group(2));
            program = nil(m5424.group(3));
            String pid = nil(m5424.group(4));
            if (pid != null && pid.chars().allMatch(Character::isDigit) && pid.length() < 10) {
                event.ensureProcess().pid = Long.parseLong(pid);
            }
            String msgId = nil(m5424.group(5));
            event.field("syslog.msgid", msgId);
            structuredData(event, m5424.group(6));
            message = m5424.group(7) == null ? "" : stripBom(m5424.group(7));
        } else if (m3164.matches()) {
            event.timestamp = bsdTime(m3164, record);
            host(event, m3164.group(6));
            String[] tag = tag(m3164.group(7));
            program = tag[0];
            if (tag[1] != null) {
                event.ensureProcess().pid = Long.parseLong(tag[1]);
            }
            message = tag[2];
        } else if (iso.matches()) {
            event.timestamp = isoTime(iso.group(1));
            host(event, iso.group(2));
            String[] tag = tag(iso.group(3));
            program = tag[0];
            if (tag[1] != null) {
                event.ensureProcess().pid = Long.parseLong(tag[1]);
            }
            message = tag[2];
        } else {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "no RFC 3164 or RFC 5424 syslog header");
        }
        if (program != null) {
            event.ensureProcess().name = program;
        }
        event.event.dataset =
                SOURCE + "." + (program == null ? "unknown" : program.toLowerCase(Locale.ROOT));
        event.field("syslog.message", DecoderSupport.cap(message, options.maxOriginalBytes()));
        SyslogMessages.parse(program, message, event);
        return event;
    }

    private static String[] tag(String s) {
        Matcher t = TAG.matcher(s);
        if (t.matches()) {
            return new String[] {t.group(1), t.group(2), t.group(3)};
        }
        return new String[] {null, null, s};
    }

    private static void host(SecurityEvent event, String host) {
        String h = nil(host);
        if (h != null) {
            SecurityEvent.Host hst = event.ensureHost();
            hst.name = h;
            hst.hostname = h;
            SecurityEvent.Observer obs = event.ensureObserver();
            obs.hostname = h;
        }
    }

    private static String nil(String s) {
        return s == null || s.equals("-") ? null : s;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static void structuredData(SecurityEvent event, String sd) {
        if (sd == null || sd.equals("-")) {
            return;
        }
        Matcher el = SD_ELEMENT.matcher(sd);
        while (el.find()) {
            String id = el.group(1);
            Matcher p = SD_PARAM.matcher(el.group(2));
            while (p.find()) {
                String value = p.group(2).replaceAll("\\\\([\"\\\\\\]])", "$1");
                event.field(id + "." + p.group(1), value);
            }
        }
    }

    private long isoTime(String text) throws DecodeException {
        if (text.equals("-")) {
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP, "syslog record without a timestamp");
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(options.zone()).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new DecodeException(
                        DecodeException.Reason.BAD_TIMESTAMP, "bad timestamp '" + text + "'");
            }
        }
    }

    private long bsdTime(Matcher m, RawRecord record) throws DecodeException {
        int month = -1;
        for (int i = 0; i < 12; i++) {
            if (MONTHS[i].equals(m.group(1))) {
                month = i + 1;
            }
        }
        if (month < 0) {
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP, "unknown month '" + m.group(1) + "'");
        }
        int day = Integer.parseInt(m.group(2));
        int hour = Integer.parseInt(m.group(3));
        int minute = Integer.parseInt(m.group(4));
        int second = Integer.parseInt(m.group(5));
        ZoneId zone = options.zone();
        long reference =
                record.kafkaTimestamp > 0 ? record.kafkaTimestamp : System.currentTimeMillis();
        try {
            if (options.fixedYear() > 0) {
                return ZonedDateTime.of(
                                options.fixedYear(), month, day, hour, minute, second, 0, zone)
                        .toInstant()
                        .toEpochMilli();
            }
            int year =
                    ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(reference), zone)
                            .getYear();
            // The latest year that does not put the event more than a day after the reference.
            for (int y = year + 1; y >= year - 1; y--) {
                try {
                    long t =
                            ZonedDateTime.of(y, month, day, hour, minute, second, 0, zone)
                                    .toInstant()
                                    .toEpochMilli();
                    if (t <= reference + 86_400_000L) {
                        return t;
                    }
                } catch (DateTimeException e) {
                    // Feb 29 in a year without one: try the year before.
                }
            }
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP,
                    "no valid year for " + m.group(1) + " " + day);
        } catch (DateTimeException e) {
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP, "invalid date: " + e.getMessage());
        }
    }
}
