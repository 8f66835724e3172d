package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.model.SecurityEvent;

/**
 * SshdMessages as it was before each pattern was guarded by its literal beginning and before
 * logins, disconnects and PAM sessions were scanned by hand (it reads PAM messages with {@link
 * RegexPamMessages}): the oracle of SshdMessagesEquivalenceTest.
 *
 * <p>OpenSSH server messages: logins accepted and failed, invalid users, users refused by
 * AllowUsers/DenyUsers, too many attempts, disconnects, protocol and negotiation failures. Sets
 * {@code event.category=authentication}, {@code event.action}, {@code event.outcome}, {@code
 * user.name}, {@code source.ip} and {@code source.port}.
 */
final class RegexSshdMessages {

    /**
     * An address as sshd prints it. Not only IP literals: with UseDNS sshd prints host names, and
     * log anonymizers mask addresses ({@code 10.1.2.x}); those end in {@code source.address}.
     */
    private static final String ADDR = "([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)";

    private static final Pattern FAILED =
            Pattern.compile(
                    "^Failed (\\S+) for (invalid user )?(.*?) from "
                            + ADDR
                            + " port (\\d+)(?: (\\S+))?");
    private static final Pattern ACCEPTED =
            Pattern.compile("^Accepted (\\S+) for (.*?) from " + ADDR + " port (\\d+)(?: (\\S+))?");
    private static final Pattern INVALID_USER =
            Pattern.compile("^[Ii]nvalid user (.*?) from " + ADDR + "(?: port (\\d+))?");
    private static final Pattern POSTPONED_INVALID =
            Pattern.compile(
                    "^Postponed \\S+ for invalid user (.*?) from " + ADDR + "(?: port (\\d+))?");

    /**
     * A failed PAM conversation for a user that does not exist: a failed login, like {@code Failed
     * password for invalid user}, not the announcement of an unknown name.
     */
    private static final Pattern PAM_AUTH_ERROR_ILLEGAL =
            Pattern.compile(
                    "^error: PAM: (authentication error) for illegal user (.*?) from " + ADDR);

    private static final Pattern ILLEGAL_USER =
            Pattern.compile("^(?:error: PAM: .*? for )?[Ii]llegal user (.*?) from " + ADDR);
    private static final Pattern INPUT_USERAUTH_INVALID =
            Pattern.compile("^input_userauth_request: invalid user (\\S*)");
    private static final Pattern PAM_ERROR_USER =
            Pattern.compile("^error: PAM: (.*?) for (.*?) from " + ADDR);
    private static final Pattern NOT_ALLOWED =
            Pattern.compile("^User (\\S+) from " + ADDR + " not allowed because (.*)$");
    private static final Pattern MAX_AUTH =
            Pattern.compile(
                    "^(?:error: )?[Mm]aximum authentication attempts exceeded for (invalid user )?(.*?) from "
                            + ADDR
                            + " port (\\d+)");
    private static final Pattern DISCONNECTING_INVALID =
            Pattern.compile(
                    "^Disconnecting (?:invalid|authenticating) user (\\S+) "
                            + ADDR
                            + " port (\\d+)");
    private static final Pattern DISCONNECT =
            Pattern.compile(
                    "^(?:Received disconnect from|Disconnected from(?: (invalid |authenticating )?user (\\S+))?|Connection closed by(?: (invalid |authenticating )?user (\\S+))?|Connection reset by(?: (invalid |authenticating )?user (\\S+))?) "
                            + ADDR
                            + "(?: port (\\d+))?");
    private static final Pattern PAM_FAILURE =
            Pattern.compile(
                    "^pam_unix\\(sshd:auth\\): authentication failure;.*?rhost=(\\S*)(?:\\s+user=(\\S+))?");
    private static final Pattern NO_IDENT =
            Pattern.compile(
                    "^Did not receive identification string from " + ADDR + "(?: port (\\d+))?");
    private static final Pattern BAD_PROTOCOL =
            Pattern.compile(
                    "^Bad protocol version identification '(.*)' from "
                            + ADDR
                            + "(?: port (\\d+))?");
    private static final Pattern NEGOTIATE =
            Pattern.compile("^(?:fatal: )?Unable to negotiate with " + ADDR + "(?: port (\\d+))?");
    private static final Pattern REVERSE_MAPPING =
            Pattern.compile(
                    "^reverse mapping checking getaddrinfo for (\\S+) \\[" + ADDR + "\\] failed");
    private static final Pattern ADDRESS_MAPS =
            Pattern.compile("^Address " + ADDR + " maps to (\\S+?),? but this does not map back");
    private static final Pattern READ_ERROR =
            Pattern.compile("^Read error from remote host " + ADDR + "(?: port (\\d+))?");

    private RegexSshdMessages() {}

    static void parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        Matcher m;
        if ((m = FAILED.matcher(msg)).lookingAt()) {
            auth(e, "ssh_login", "failure", m.group(3), m.group(4), m.group(5));
            e.field("ssh.method", m.group(1));
            if (m.group(2) != null) {
                e.field("ssh.invalid_user", "true");
            }
        } else if ((m = ACCEPTED.matcher(msg)).lookingAt()) {
            auth(e, "ssh_login", "success", m.group(2), m.group(3), m.group(4));
            e.field("ssh.method", m.group(1));
        } else if ((m = MAX_AUTH.matcher(msg)).lookingAt()) {
            auth(e, "ssh_max_auth_attempts", "failure", m.group(2), m.group(3), m.group(4));
            if (m.group(1) != null) {
                e.field("ssh.invalid_user", "true");
            }
        } else if ((m = INVALID_USER.matcher(msg)).lookingAt()
                || (m = POSTPONED_INVALID.matcher(msg)).lookingAt()) {
            invalidUser(e, m.group(1), m.group(2), m.group(3));
        } else if ((m = PAM_AUTH_ERROR_ILLEGAL.matcher(msg)).lookingAt()) {
            auth(e, "ssh_login", "failure", m.group(2), m.group(3), null);
            e.field("pam.error", m.group(1));
            e.field("ssh.invalid_user", "true");
        } else if ((m = ILLEGAL_USER.matcher(msg)).lookingAt()) {
            invalidUser(e, m.group(1), m.group(2), null);
        } else if ((m = INPUT_USERAUTH_INVALID.matcher(msg)).lookingAt()) {
            invalidUser(e, m.group(1), null, null);
        } else if ((m = PAM_ERROR_USER.matcher(msg)).lookingAt()) {
            auth(e, "ssh_login", "failure", m.group(2), m.group(3), null);
            e.field("pam.error", m.group(1));
        } else if ((m = NOT_ALLOWED.matcher(msg)).lookingAt()) {
            auth(e, "ssh_login_denied", "failure", m.group(1), m.group(2), null);
            e.field("ssh.denied_because", m.group(3));
        } else if ((m = PAM_FAILURE.matcher(msg)).lookingAt()) {
            auth(e, "pam_auth_failure", "failure", m.group(2), emptyToNull(m.group(1)), null);
        } else if ((m = DISCONNECTING_INVALID.matcher(msg)).lookingAt()) {
            disconnect(e, m.group(1), true, m.group(2), m.group(3), msg);
        } else if ((m = DISCONNECT.matcher(msg)).lookingAt()) {
            String user =
                    m.group(2) != null ? m.group(2) : m.group(4) != null ? m.group(4) : m.group(6);
            String qualifier =
                    m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
            disconnect(
                    e,
                    user,
                    qualifier != null && qualifier.startsWith("invalid"),
                    m.group(7),
                    m.group(8),
                    msg);
        } else if ((m = NO_IDENT.matcher(msg)).lookingAt()) {
            network(e, "ssh_no_identification", m.group(1), m.group(2));
        } else if ((m = BAD_PROTOCOL.matcher(msg)).lookingAt()) {
            network(e, "ssh_bad_protocol_version", m.group(2), m.group(3));
            e.field("ssh.client_banner", m.group(1));
        } else if ((m = NEGOTIATE.matcher(msg)).lookingAt()) {
            network(e, "ssh_negotiation_failed", m.group(1), m.group(2));
        } else if ((m = READ_ERROR.matcher(msg)).lookingAt()) {
            network(e, "ssh_read_error", m.group(1), m.group(2));
        } else if ((m = REVERSE_MAPPING.matcher(msg)).lookingAt()) {
            network(e, "ssh_reverse_mapping_failed", m.group(2), null);
            e.ensureSource().domain = m.group(1);
        } else if ((m = ADDRESS_MAPS.matcher(msg)).lookingAt()) {
            network(e, "ssh_reverse_mapping_failed", m.group(1), null);
            e.ensureSource().domain = m.group(2);
        } else if (msg.startsWith("pam_")) {
            RegexPamMessages.parse(msg, e);
        } else {
            ev.category = "host";
            ev.action = "ssh_other";
        }
        if (msg.contains("[preauth]")) {
            e.field("ssh.preauth", "true");
        }
        e.ensureNetwork().protocol = "ssh";
    }

    private static void invalidUser(SecurityEvent e, String user, String ip, String port) {
        auth(e, "ssh_invalid_user", "failure", user, ip, port);
        e.field("ssh.invalid_user", "true");
    }

    private static void disconnect(
            SecurityEvent e, String user, boolean invalid, String ip, String port, String msg) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "session";
        ev.type = "end";
        ev.action = "ssh_disconnect";
        if (user != null) {
            e.ensureUser().name = user;
        }
        if (invalid) {
            e.field("ssh.invalid_user", "true");
        }
        endpoint(e, ip, port);
    }

    private static void network(SecurityEvent e, String action, String ip, String port) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "network";
        ev.action = action;
        ev.outcome = "failure";
        endpoint(e, ip, port);
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
            Net.source(e, ip, DecoderSupport.port(port));
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
