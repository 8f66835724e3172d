package org.socengine.connectors.decode.format;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.core.Times;
import org.socengine.model.SecurityEvent;

/**
 * The header of a syslog line, in the shapes devices send: RFC 5424, RFC 3164 (BSD, also with the
 * year that Cisco devices add, and without a host name as programs that log to files write it), and
 * an ISO timestamp in place of the BSD one (rsyslog's high-precision format). A format that several
 * sources carry: read by the syslog decoder and by every decoder whose lines may arrive behind a
 * syslog header (CEF, LEEF, ASA, web and DNS logs).
 *
 * @param time event time, epoch milliseconds
 * @param host the host name, or null
 * @param program the tag (program name), or null
 * @param pid the process id of the tag, or null
 * @param message the message after the tag
 * @param msgId the RFC 5424 MSGID, or null
 * @param structuredData RFC 5424 structured data as {@code id.param -> value}
 * @param priority the PRI value, or -1
 */
public record SyslogHeader(
        long time,
        String host,
        String program,
        Long pid,
        String message,
        String msgId,
        Map<String, String> structuredData,
        int priority) {

    private static final Pattern ISO_HEADER =
            Pattern.compile(
                    "^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?)(?:\\s+(.*))?$",
                    Pattern.DOTALL);
    private static final Pattern RFC5424 =
            Pattern.compile("^1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (.*)$", Pattern.DOTALL);

    /** Copies what the header says onto the event: time, host, program, pid, priority. */
    public void applyTo(SecurityEvent event, DecoderOptions options) {
        event.timestamp = time;
        if (priority >= 0) {
            event.field("syslog.facility", Integer.toString(priority / 8));
            event.field("syslog.severity", Integer.toString(priority % 8));
            event.ensureEvent().severity = priority % 8;
        }
        if (host != null) {
            SecurityEvent.Host hst = event.ensureHost();
            hst.name = host;
            hst.hostname = host;
            SecurityEvent.Observer obs = event.ensureObserver();
            obs.hostname = host;
            String ip = Net.ip(host);
            if (ip != null) {
                hst.ip = ip;
                obs.ip = ip;
            }
        }
        if (program != null) {
            event.ensureProcess().name = program;
        }
        if (pid != null) {
            event.ensureProcess().pid = pid;
        }
        event.field("syslog.msgid", msgId);
        for (Map.Entry<String, String> sd : structuredData.entrySet()) {
            event.field(sd.getKey(), DecoderSupport.cap(sd.getValue(), options.maxOriginalBytes()));
        }
    }

    /**
     * Reads the header of a line.
     *
     * @return the header, or null when the line does not start with one
     * @throws DecodeException when a header is there but its priority or time is invalid
     */
    public static SyslogHeader parse(String line, RawRecord record, DecoderOptions options)
            throws DecodeException {
        int priority = -1;
        int priEnd = priorityEnd(line);
        if (priEnd > 0) {
            priority = Integer.parseInt(line, 1, priEnd - 1, 10);
            if (priority > 191) {
                throw new DecodeException(
                        DecodeException.Reason.MALFORMED,
                        "syslog priority " + priority + " out of range");
            }
        }
        // The header is read in place, from where the priority ends: the RFC 3164 scan, the
        // common case, copies only the host, the tag and the message out of the line.
        int start = priEnd;
        Matcher m;
        if (line.startsWith("1 ", start)
                && (m = RFC5424.matcher(line.substring(start))).matches()) {
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
            int end = structuredData(after, sd);
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
        SyslogHeader bsd = rfc3164(line, start, record, options, priority);
        if (bsd != null) {
            return bsd;
        }
        if ((m = ISO_HEADER.matcher(line.substring(start))).matches()) {
            long time = Times.iso(m.group(1), options.zone());
            String after = m.group(2);
            return after == null
                    ? afterTime(time, "", 0, priority)
                    : afterTime(time, after, 0, priority);
        }
        return null;
    }

    /** The host, tag and message of {@code s} from {@code from} on. */
    private static SyslogHeader afterTime(long time, String s, int from, int priority) {
        int n = s.length();
        String host = null;
        int sp = s.indexOf(' ', from);
        int firstEnd = sp < 0 ? n : sp;
        // A first token that ends in ':' is a tag (or a Cisco message id), not a host: programs
        // that log to files and Cisco devices leave the host out.
        if (firstEnd > from && s.charAt(firstEnd - 1) != ':' && hostToken(s, from, firstEnd)) {
            host = s.substring(from, firstEnd);
            from = sp < 0 ? n : sp + 1;
        }
        // The tag: a program name of 1-64 [\w./@-], an optional [pid] of 1-10 digits, a colon
        // and at most one space. Scanned by hand (the decoder's hottest path); the characters
        // of a name exclude '[' and ':', so the longest run is the only candidate.
        int tagEnd = from;
        while (tagEnd < n && tagEnd - from <= 64 && tagChar(s.charAt(tagEnd))) {
            tagEnd++;
        }
        int tagLength = tagEnd - from;
        if (tagLength >= 1 && tagLength <= 64 && tagEnd < n) {
            int colon = -1;
            Long pid = null;
            if (s.charAt(tagEnd) == ':') {
                colon = tagEnd;
            } else if (s.charAt(tagEnd) == '[') {
                int d = tagEnd + 1;
                while (d < n && d - tagEnd <= 10 && Scan.isDigit(s.charAt(d))) {
                    d++;
                }
                int digits = d - tagEnd - 1;
                if (digits >= 1
                        && digits <= 10
                        && d + 1 < n
                        && s.charAt(d) == ']'
                        && s.charAt(d + 1) == ':') {
                    pid = Long.parseLong(s, tagEnd + 1, d, 10);
                    colon = d + 1;
                }
            }
            if (colon >= 0) {
                int msg = colon + 1 < n && s.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
                return new SyslogHeader(
                        time,
                        host,
                        s.substring(from, tagEnd),
                        pid,
                        s.substring(msg),
                        null,
                        Map.of(),
                        priority);
            }
        }
        return new SyslogHeader(
                time, host, null, null, s.substring(from), null, Map.of(), priority);
    }

    /**
     * The end of a {@code <PRI>} of 1-3 digits at the start of the line (after the '>'), or 0 when
     * there is none.
     */
    private static int priorityEnd(String s) {
        if (s.isEmpty() || s.charAt(0) != '<') {
            return 0;
        }
        int i = 1;
        while (i < s.length() && i <= 3 && Scan.isDigit(s.charAt(i))) {
            i++;
        }
        return i > 1 && i < s.length() && s.charAt(i) == '>' ? i + 1 : 0;
    }

    /**
     * An RFC 3164 header ({@code Mmm dd [yyyy ]hh:mm:ss[.fraction][:] message}), or null when the
     * line does not have one, from {@code b} on. Scanned by hand: the syslog decoder's hottest
     * path. Each part has one possible extent (a day of two digits cannot also be one, the year's
     * four digits are not the hour's two and a colon), so the scan accepts exactly what a regular
     * expression of those parts would.
     */
    private static SyslogHeader rfc3164(
            String s, int b, RawRecord record, DecoderOptions options, int priority)
            throws DecodeException {
        int n = s.length();
        if (n - b < 3
                || !upper(s.charAt(b))
                || !lower(s.charAt(b + 1))
                || !lower(s.charAt(b + 2))) {
            return null;
        }
        int i = b + 3;
        while (i < n && i < b + 5 && Scan.isSpace(s.charAt(i))) {
            i++;
        }
        if (i == b + 3) {
            return null;
        }
        int dayStart = i;
        while (i < n && i - dayStart < 2 && Scan.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == dayStart || i >= n || s.charAt(i) != ' ') {
            return null;
        }
        int day = Integer.parseInt(s, dayStart, i, 10);
        i++;
        int year = -1;
        if (i + 5 <= n && digits(s, i, 4) && s.charAt(i + 4) == ' ') {
            year = Integer.parseInt(s, i, i + 4, 10);
            i += 5;
        }
        if (i + 8 > n
                || !digits(s, i, 2)
                || s.charAt(i + 2) != ':'
                || !digits(s, i + 3, 2)
                || s.charAt(i + 5) != ':'
                || !digits(s, i + 6, 2)) {
            return null;
        }
        int hour = Integer.parseInt(s, i, i + 2, 10);
        int minute = Integer.parseInt(s, i + 3, i + 5, 10);
        int second = Integer.parseInt(s, i + 6, i + 8, 10);
        i += 8;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int f = i + 1;
            while (f < n && Scan.isDigit(s.charAt(f))) {
                f++;
            }
            int count = f - i - 1;
            if (count < 1 || count > 9) {
                return null;
            }
            nanos = Integer.parseInt(s, i + 1, f, 10);
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
            i = f;
        }
        if (i < n && s.charAt(i) == ':') {
            i++;
        }
        int message;
        if (i == n) {
            message = n;
        } else if (s.charAt(i) == ' ') {
            message = i + 1;
        } else {
            return null;
        }
        String monthName = s.substring(b, b + 3);
        int month = Times.month(monthName);
        if (month < 0) {
            throw new DecodeException(
                    DecodeException.Reason.BAD_TIMESTAMP, "unknown month '" + monthName + "'");
        }
        long time =
                year >= 0
                        ? Times.of(year, month, day, hour, minute, second, nanos, options.zone())
                        : Times.yearless(month, day, hour, minute, second, nanos, record, options);
        return afterTime(time, s, message, priority);
    }

    private static boolean digits(String s, int from, int count) {
        for (int k = from; k < from + count; k++) {
            if (!Scan.isDigit(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean lower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean tagChar(char c) {
        return Scan.isWord(c) || c == '.' || c == '/' || c == '@' || c == '-';
    }

    /** A host name, address or bracketed address of 1-255 [\w.:\-\[\]]. */
    private static boolean hostToken(String s, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 255) {
            return false;
        }
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (!(Scan.isWord(c) || c == '.' || c == ':' || c == '-' || c == '[' || c == ']')) {
                return false;
            }
        }
        return true;
    }

    private static String nil(String s) {
        return s == null || s.equals("-") ? null : s;
    }

    /**
     * Reads RFC 5424 structured data ({@code -} or {@code [id k="v" ...][id2 ...]}) at the start of
     * the text into {@code id.k -> v}, and returns where the message starts. Scanned by hand, not
     * by a regular expression, because a hostile record of many escapes would overflow the stack of
     * java.util.regex's recursive alternation.
     */
    static int structuredData(String s, Map<String, String> out) throws DecodeException {
        if (s.startsWith("-")) {
            return 1;
        }
        int i = 0;
        if (!s.startsWith("[")) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "RFC 5424 record without structured data");
        }
        while (i < s.length() && s.charAt(i) == '[') {
            int j = i + 1;
            while (j < s.length() && s.charAt(j) != ' ' && s.charAt(j) != ']') {
                j++;
            }
            String id = s.substring(i + 1, j);
            while (j < s.length() && s.charAt(j) != ']') {
                while (j < s.length() && s.charAt(j) == ' ') {
                    j++;
                }
                int eq = s.indexOf('=', j);
                if (eq < 0 || eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
                    throw new DecodeException(
                            DecodeException.Reason.MALFORMED, "bad structured data parameter");
                }
                String name = s.substring(j, eq);
                StringBuilder v = new StringBuilder();
                int k = eq + 2;
                while (k < s.length() && s.charAt(k) != '"') {
                    char c = s.charAt(k);
                    if (c == '\\' && k + 1 < s.length()) {
                        char n = s.charAt(k + 1);
                        if (n == '"' || n == '\\' || n == ']') {
                            v.append(n);
                            k += 2;
                            continue;
                        }
                    }
                    v.append(c);
                    k++;
                }
                if (k >= s.length()) {
                    throw new DecodeException(
                            DecodeException.Reason.TRUNCATED,
                            "structured data ends inside a value");
                }
                if (out.size() < 256) {
                    out.put(id + "." + name, v.toString());
                }
                j = k + 1;
            }
            if (j >= s.length()) {
                throw new DecodeException(
                        DecodeException.Reason.TRUNCATED, "structured data element not closed");
            }
            i = j + 1;
        }
        return i;
    }
}
