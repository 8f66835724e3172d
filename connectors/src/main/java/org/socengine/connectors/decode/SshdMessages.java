package org.socengine.connectors.decode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;

/**
 * OpenSSH server messages: logins accepted and failed, invalid users, too many attempts,
 * disconnects. Sets {@code event.category=authentication}, {@code event.action}, {@code
 * event.outcome}, {@code user.name}, {@code source.ip} and {@code source.port}.
 */
final class SshdMessages {

    private static final String ADDR = "([0-9A-Fa-f:.]+)";
    private static final Pattern FAILED =
            Pattern.compile(
                    "^Failed (\\S+) for (invalid user )?(.*?) from "
                            + ADDR
                            + " port (\\d+)(?: (\\S+))?");
    private static final Pattern ACCEPTED =
            Pattern.compile("^Accepted (\\S+) for (.*?) from " + ADDR + " port (\\d+)(?: (\\S+))?");
    private static final Pattern INVALID_USER =
            Pattern.compile("^[Ii]nvalid user (.*?) from " + ADDR + "(?: port (\\d+))?");
    private static final Pattern ILLEGAL_USER =
            Pattern.compile("^[Ii]llegal user (.*?) from " + ADDR);
    private static final Pattern MAX_AUTH =
            Pattern.compile(
                    "^(?:error: )?[Mm]aximum authentication attempts exceeded for (invalid user )?(.*?) from "
                            + ADDR
                            + " port (\\d+)");
    private static final Pattern DISCONNECT =
            Pattern.compile(
                    "^(?:Received disconnect from|Disconnected from(?: (?:invalid |authenticating )?user (\\S+))?|Connection closed by(?: (?:invalid |authenticating )?user (\\S+))?|Connection reset by(?: (?:invalid |authenticating )?user (\\S+))?) "
                            + ADDR
                            + "(?: port (\\d+))?");
    private static final Pattern PAM_FAILURE =
            Pattern.compile(
                    "^pam_unix\\(sshd:auth\\): authentication failure;.*?rhost=(\\S*)(?:\\s+user=(\\S+))?");
    private static final Pattern NO_IDENT =
            Pattern.compile(
                    "^Did not receive identification string from " + ADDR + "(?: port (\\d+))?");
    private static final Pattern REVERSE_MAPPING =
            Pattern.compile(
                    "^reverse mapping checking getaddrinfo for (\\S+) \\[" + ADDR + "\\] failed");

    private SshdMessages() {}

    static void parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        Matcher m;
        if ((m = FAILED.matcher(msg)).find()) {
            auth(e, "ssh_login", "failure", m.group(3), m.group(4), m.group(5));
            e.field("ssh.method", m.group(1));
            if (m.group(2) != null) {
                e.field("ssh.invalid_user", "true");
            }
        } else if ((m = ACCEPTED.matcher(msg)).find()) {
            auth(e, "ssh_login", "success", m.group(2), m.group(3), m.group(4));
            e.field("ssh.method", m.group(1));
        } else if ((m = MAX_AUTH.matcher(msg)).find()) {
            auth(e, "ssh_max_auth_attempts", "failure", m.group(2), m.group(3), m.group(4));
            if (m.group(1) != null) {
                e.field("ssh.invalid_user", "true");
            }
        } else if ((m = INVALID_USER.matcher(msg)).find()) {
            auth(e, "ssh_invalid_user", "failure", m.group(1), m.group(2), m.group(3));
            e.field("ssh.invalid_user", "true");
        } else if ((m = ILLEGAL_USER.matcher(msg)).find()) {
            auth(e, "ssh_invalid_user", "failure", m.group(1), m.group(2), null);
            e.field("ssh.invalid_user", "true");
        } else if ((m = PAM_FAILURE.matcher(msg)).find()) {
            auth(e, "pam_auth_failure", "failure", m.group(2), emptyToNull(m.group(1)), null);
        } else if ((m = DISCONNECT.matcher(msg)).find()) {
            String user =
                    m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            ev.category = "session";
            ev.type = "end";
            ev.action = "ssh_disconnect";
            if (user != null) {
                e.ensureUser().name = user;
            }
            endpoint(e, m.group(4), m.group(5));
            if (msg.contains("[preauth]")) {
                e.field("ssh.preauth", "true");
            }
        } else if ((m = NO_IDENT.matcher(msg)).find()) {
            ev.category = "network";
            ev.action = "ssh_no_identification";
            ev.outcome = "failure";
            endpoint(e, m.group(1), m.group(2));
        } else if ((m = REVERSE_MAPPING.matcher(msg)).find()) {
            ev.category = "network";
            ev.action = "ssh_reverse_mapping_failed";
            e.ensureSource().domain = m.group(1);
            endpoint(e, m.group(2), null);
        } else {
            ev.category = "host";
            ev.action = "ssh_other";
        }
        e.ensureNetwork().protocol = "ssh";
    }

    private static void auth(
            SecurityEvent e, String action, String outcome, String user, String ip, String port) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.type = "start";
        ev.action = action;
        ev.outcome = outcome;
        if (user != null && !user.isEmpty()) {
            e.ensureUser().name = user;
        }
        endpoint(e, ip, port);
    }

    private static void endpoint(SecurityEvent e, String ip, String port) {
        if (ip != null) {
            SecurityEvent.Endpoint src = e.ensureSource();
            src.ip = ip;
            src.port = DecoderSupport.port(port);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
