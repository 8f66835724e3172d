package org.socengine.connectors.decode.syslog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.format.AccessLogFormat;
import org.socengine.connectors.decode.format.AsaFormat;
import org.socengine.connectors.decode.format.CefFormat;
import org.socengine.connectors.decode.format.DnsQueryLogFormat;
import org.socengine.connectors.decode.format.LeefFormat;
import org.socengine.model.SecurityEvent;

/**
 * Routes a syslog message to the parser of its program, or to the shared format of its body when
 * the body is a format of its own that devices send over plain syslog (CEF, LEEF, Cisco ASA), and
 * an nginx, apache, named or dnsmasq message to the access log or DNS query log format.
 */
final class SyslogMessages {

    /** Solaris prefixes messages with a message id: {@code [ID 800047 auth.notice] }. */
    private static final Pattern SOLARIS_ID = Pattern.compile("^\\[ID (\\d+) ([\\w.]+)\\] ");

    private SyslogMessages() {}

    static void parse(String program, String message, SecurityEvent event, DecoderOptions options)
            throws DecodeException {
        Matcher sid = message.startsWith("[ID ") ? SOLARIS_ID.matcher(message) : null;
        if (sid != null && sid.lookingAt()) {
            event.field("syslog.solaris_msgid", sid.group(1));
            message = message.substring(sid.end());
        }
        // Bodies with a format of their own, whatever program tag the device put before them.
        if (program != null && (program.equals("CEF") || program.equals("LEEF"))) {
            message = program + ":" + message;
            program = null;
        }
        String body = message.stripLeading();
        if (body.startsWith("CEF:")) {
            CefFormat.parse(body, event, options);
            return;
        }
        if (body.startsWith("LEEF:")) {
            LeefFormat.parse(body, event, options);
            return;
        }
        if (AsaFormat.isAsa(body)) {
            AsaFormat.parse(body, event);
            return;
        }
        if (program == null) {
            return;
        }
        String p = program.toLowerCase(Locale.ROOT);
        int slash = p.lastIndexOf('/');
        if (slash >= 0) {
            p = p.substring(slash + 1);
        }
        switch (p) {
            case "sshd", "sshd-session" -> SshdMessages.parse(message, event);
            case "sudo" -> SudoMessages.parse(message, event);
            case "su" -> SuMessages.parse(message, event);
            case "useradd",
                    "usermod",
                    "userdel",
                    "groupadd",
                    "groupmod",
                    "groupdel",
                    "gpasswd",
                    "passwd",
                    "chpasswd",
                    "chage" ->
                    AccountMessages.parse(p, message, event);
            case "kernel" -> {
                if (NetfilterMessages.looksLike(message)) {
                    NetfilterMessages.parse(message, event);
                }
            }
            case "cron", "crond", "anacron" -> CronMessages.parse(message, event);
            case "nginx", "apache", "apache2", "httpd" ->
                    AccessLogFormat.parseInto(message, event, options);
            case "dnsmasq" -> DnsQueryLogFormat.parseDnsmasq(message, event);
            case "named" -> DnsQueryLogFormat.parseBind(message, event);
            default -> {
                if (message.startsWith("pam_")) {
                    PamMessages.parse(message, event);
                } else if (NetfilterMessages.looksLike(message)) {
                    // Some distributions log netfilter through ulogd or under the program name
                    // of a firewall front end.
                    NetfilterMessages.parse(message, event);
                }
                // Anything else stays a generic host event with the text in syslog.message.
            }
        }
    }
}
