package org.socengine.connectors.decode.format;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.Times;

/**
 * The regular expressions SyslogHeader used before its hand-written scan: the oracle of
 * SyslogHeaderScanTest. Returns the production record.
 *
 * <p>The header of a syslog line, in the shapes devices send: RFC 5424, RFC 3164 (BSD, also with
 * the year that Cisco devices add, and without a host name as programs that log to files write it),
 * and an ISO timestamp in place of the BSD one (rsyslog's high-precision format). A format that
 * several sources carry: read by the syslog decoder and by every decoder whose lines may arrive
 * behind a syslog header (CEF, LEEF, ASA, web and DNS logs).
 */
final class RegexSyslogHeader {

    private RegexSyslogHeader() {}

    private static final Pattern PRI = Pattern.compile("^<(\\d{1,3})>");
    private static final Pattern RFC3164 =
            Pattern.compile(
                    "^([A-Z][a-z]{2})\\s{1,2}(\\d{1,2})(?: (\\d{4}))? (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?:?(?: (.*))?$",
                    Pattern.DOTALL);
    private static final Pattern ISO_HEADER =
            Pattern.compile(
                    "^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?)(?:\\s+(.*))?$",
                    Pattern.DOTALL);
    private static final Pattern RFC5424 =
            Pattern.compile("^1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (.*)$", Pattern.DOTALL);
    private static final Pattern TAG =
            Pattern.compile("^([\\w./@-]{1,64}?)(?:\\[(\\d{1,10})\\])?: ?(.*)$", Pattern.DOTALL);
    private static final Pattern HOST_TOKEN = Pattern.compile("^[\\w.:\\-\\[\\]]{1,255}$");

    /**
     * Reads the header of a line.
     *
     * @return the header, or null when the line does not start with one
     * @throws DecodeException when a header is there but its priority or time is invalid
     */
    static SyslogHeader parse(String line, RawRecord record, DecoderOptions options)
            throws DecodeException {
        String rest = line;
        int priority = -1;
        Matcher pri = PRI.matcher(rest);
        if (pri.lookingAt()) {
            priority = Integer.parseInt(pri.group(1));
            if (priority > 191) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED,
                        "syslog priority " + priority + " out of range");
            }
            rest = rest.substring(pri.end());
        }
        Matcher m;
        if (rest.startsWith("1 ") && (m = RFC5424.matcher(rest)).matches()) {
            if (m.group(1).equals("-")) {
                throw new DecodeException(
                        DecodeException.Reason.BAD_TIMESTAMP, "syslog record without a timestamp");
            }
            long time = Times.iso(m.group(1), options.zone());
            String pidText = nil(m.group(4));
            Long pid = null;
            if (pidText != null
                    && pidText.length() < 10
                    && pidText.chars().allMatch(Character::isDigit)) {
                pid = Long.parseLong(pidText);
            }
            String after = m.group(6);
            Map<String, String> sd = new LinkedHashMap<>();
            int end = SyslogHeader.structuredData(after, sd);
            String msg = end >= after.length() ? "" : after.substring(end).stripLeading();
            if (msg.startsWith("\uFEFF")) {
                msg = msg.substring(1);
            }
            return new SyslogHeader(
                    time,
                    nil(m.group(2)),
                    nil(m.group(3)),
                    pid,
                    msg,
                    nil(m.group(5)),
                    sd,
                    priority);
        }
        if ((m = RFC3164.matcher(rest)).matches()) {
            int month = Times.month(m.group(1));
            if (month < 0) {
                throw new DecodeException(
                        DecodeException.Reason.BAD_TIMESTAMP, "unknown month '" + m.group(1) + "'");
            }
            int day = Integer.parseInt(m.group(2));
            int hour = Integer.parseInt(m.group(4));
            int minute = Integer.parseInt(m.group(5));
            int second = Integer.parseInt(m.group(6));
            int nanos =
                    m.group(7) == null
                            ? 0
                            : Integer.parseInt((m.group(7) + "000000000").substring(0, 9));
            long time =
                    m.group(3) != null
                            ? Times.of(
                                    Integer.parseInt(m.group(3)),
                                    month,
                                    day,
                                    hour,
                                    minute,
                                    second,
                                    nanos,
                                    options.zone())
                            : Times.yearless(
                                    month, day, hour, minute, second, nanos, record, options);
            return afterTime(time, m.group(8), priority);
        }
        if ((m = ISO_HEADER.matcher(rest)).matches()) {
            long time = Times.iso(m.group(1), options.zone());
            return afterTime(time, m.group(2), priority);
        }
        return null;
    }

    private static SyslogHeader afterTime(long time, String rest, int priority) {
        if (rest == null) {
            rest = "";
        }
        String host = null;
        int sp = rest.indexOf(' ');
        String first = sp < 0 ? rest : rest.substring(0, sp);
        // A first token that ends in ':' is a tag (or a Cisco message id), not a host: programs
        // that log to files and Cisco devices leave the host out.
        if (!first.isEmpty() && !first.endsWith(":") && HOST_TOKEN.matcher(first).matches()) {
            host = first;
            rest = sp < 0 ? "" : rest.substring(sp + 1);
        }
        Matcher t = TAG.matcher(rest);
        if (t.matches()) {
            Long pid = t.group(2) == null ? null : Long.parseLong(t.group(2));
            return new SyslogHeader(
                    time, host, t.group(1), pid, t.group(3), null, Map.of(), priority);
        }
        return new SyslogHeader(time, host, null, null, rest, null, Map.of(), priority);
    }

    private static String nil(String s) {
        return s == null || s.equals("-") ? null : s;
    }
}
