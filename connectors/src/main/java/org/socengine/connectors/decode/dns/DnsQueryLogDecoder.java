package org.socengine.connectors.decode.dns;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.core.Times;
import org.socengine.connectors.decode.format.DnsQueryLogFormat;
import org.socengine.connectors.decode.format.SyslogHeader;
import org.socengine.model.SecurityEvent;

/**
 * DNS server query logs (source {@code dns}): BIND's query log ({@code querylog yes}, in its own
 * file with {@code print-time}/{@code print-category}/{@code print-severity}, or through syslog as
 * {@code named}), and dnsmasq's {@code log-queries} lines (queries, forwards, replies, cache and
 * config answers, also with {@code log-queries=extra}).
 */
public class DnsQueryLogDecoder extends TextDecoder {

    public static final String SOURCE = "dns";

    private static final Pattern BIND_TIME =
            Pattern.compile(
                    "^(\\d{2})-([A-Za-z]{3})-(\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))? (.*)$",
                    Pattern.DOTALL);

    public DnsQueryLogDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        SecurityEvent e = newEvent(line);
        Matcher bt = BIND_TIME.matcher(line);
        if (bt.matches()) {
            int month = Times.month(bt.group(2));
            if (month < 0) {
                throw new DecodeException(
                        DecodeException.Reason.BAD_TIMESTAMP, "bad month '" + bt.group(2) + "'");
            }
            int micros =
                    bt.group(7) == null
                            ? 0
                            : Integer.parseInt((bt.group(7) + "000000").substring(0, 6));
            e.timestamp =
                    Times.of(
                            Integer.parseInt(bt.group(3)),
                            month,
                            Integer.parseInt(bt.group(1)),
                            Integer.parseInt(bt.group(4)),
                            Integer.parseInt(bt.group(5)),
                            Integer.parseInt(bt.group(6)),
                            micros * 1000,
                            options.zone());
            String rest = DnsQueryLogFormat.withoutBindPrefix(bt.group(8));
            if (!DnsQueryLogFormat.parseBind(rest, e)) {
                throw new DecodeException(
                        DecodeException.Reason.WRONG_FORMAT, "BIND log line that is not a query");
            }
            e.ensureEvent().module = SOURCE;
            return e;
        }
        SyslogHeader h = SyslogHeader.parse(line, record, options);
        if (h == null) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "neither a BIND query log line nor a syslog line of named or dnsmasq");
        }
        h.applyTo(e, options);
        e.ensureEvent().module = SOURCE;
        String program = h.program() == null ? "" : h.program();
        boolean ok;
        if (program.startsWith("dnsmasq")) {
            ok = DnsQueryLogFormat.parseDnsmasq(h.message(), e);
        } else if (program.equals("named")) {
            ok = DnsQueryLogFormat.parseBind(DnsQueryLogFormat.withoutBindPrefix(h.message()), e);
        } else {
            ok =
                    DnsQueryLogFormat.parseBind(h.message(), e)
                            || DnsQueryLogFormat.parseDnsmasq(h.message(), e);
        }
        if (!ok) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "syslog line of '"
                            + DecoderSupport.cap(program, 32)
                            + "' is not a DNS query log line");
        }
        return e;
    }
}
