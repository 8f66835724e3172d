package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.model.SecurityEvent;

/**
 * OpenSSH server messages: logins accepted and failed, invalid users, users refused by
 * AllowUsers/DenyUsers, too many attempts, disconnects, protocol and negotiation failures. Sets
 * {@code event.category=authentication}, {@code event.action}, {@code event.outcome}, {@code
 * user.name}, {@code source.ip} and {@code source.port}.
 */
final class SshdMessages {

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

    private SshdMessages() {}

    static void parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        // The scans stand for the patterns on printable ASCII, which is what sshd writes.
        boolean plain = Scan.printableAscii(msg);
        Matcher m;
        Login login;
        Disconnect disconnect;
        if ((login = failed(msg, plain)) != null) {
            auth(e, "ssh_login", "failure", login.user(), login.address(), login.port());
            e.field("ssh.method", login.method());
            if (login.invalidUser()) {
                e.field("ssh.invalid_user", "true");
            }
        } else if ((login = accepted(msg, plain)) != null) {
            auth(e, "ssh_login", "success", login.user(), login.address(), login.port());
            e.field("ssh.method", login.method());
        } else if ((m =
                        at(
                                msg.startsWith("error: ") || msg.startsWith("aximum ", 1),
                                MAX_AUTH,
                                msg))
                != null) {
            auth(e, "ssh_max_auth_attempts", "failure", m.group(2), m.group(3), m.group(4));
            if (m.group(1) != null) {
                e.field("ssh.invalid_user", "true");
            }
        } else if ((m = at(msg.startsWith("nvalid user ", 1), INVALID_USER, msg)) != null
                || (m = at(msg.startsWith("Postponed "), POSTPONED_INVALID, msg)) != null) {
            invalidUser(e, m.group(1), m.group(2), m.group(3));
        } else if ((m = at(msg.startsWith("error: PAM: "), PAM_AUTH_ERROR_ILLEGAL, msg)) != null) {
            auth(e, "ssh_login", "failure", m.group(2), m.group(3), null);
            e.field("pam.error", m.group(1));
            e.field("ssh.invalid_user", "true");
        } else if ((m =
                        at(
                                msg.startsWith("error: PAM: ") || msg.startsWith("llegal user ", 1),
                                ILLEGAL_USER,
                                msg))
                != null) {
            invalidUser(e, m.group(1), m.group(2), null);
        } else if ((m = at(msg.startsWith("input_userauth_request: "), INPUT_USERAUTH_INVALID, msg))
                != null) {
            invalidUser(e, m.group(1), null, null);
        } else if ((m = at(msg.startsWith("error: PAM: "), PAM_ERROR_USER, msg)) != null) {
            auth(e, "ssh_login", "failure", m.group(2), m.group(3), null);
            e.field("pam.error", m.group(1));
        } else if ((m = at(msg.startsWith("User "), NOT_ALLOWED, msg)) != null) {
            auth(e, "ssh_login_denied", "failure", m.group(1), m.group(2), null);
            e.field("ssh.denied_because", m.group(3));
        } else if ((m = at(msg.startsWith("pam_unix(sshd:auth): "), PAM_FAILURE, msg)) != null) {
            auth(e, "pam_auth_failure", "failure", m.group(2), emptyToNull(m.group(1)), null);
        } else if ((m = at(msg.startsWith("Disconnecting "), DISCONNECTING_INVALID, msg)) != null) {
            disconnect(e, m.group(1), true, m.group(2), m.group(3), msg);
        } else if ((disconnect = disconnect(msg, plain)) != null) {
            disconnect(
                    e,
                    disconnect.user(),
                    disconnect.qualifier() != null && disconnect.qualifier().startsWith("invalid"),
                    disconnect.address(),
                    disconnect.port(),
                    msg);
        } else if ((m = at(msg.startsWith("Did not receive "), NO_IDENT, msg)) != null) {
            network(e, "ssh_no_identification", m.group(1), m.group(2));
        } else if ((m = at(msg.startsWith("Bad protocol "), BAD_PROTOCOL, msg)) != null) {
            network(e, "ssh_bad_protocol_version", m.group(2), m.group(3));
            e.field("ssh.client_banner", m.group(1));
        } else if ((m = at(msg.startsWith("fatal: ") || msg.startsWith("Unable "), NEGOTIATE, msg))
                != null) {
            network(e, "ssh_negotiation_failed", m.group(1), m.group(2));
        } else if ((m = at(msg.startsWith("Read error "), READ_ERROR, msg)) != null) {
            network(e, "ssh_read_error", m.group(1), m.group(2));
        } else if ((m = at(msg.startsWith("reverse mapping "), REVERSE_MAPPING, msg)) != null) {
            network(e, "ssh_reverse_mapping_failed", m.group(2), null);
            e.ensureSource().domain = m.group(1);
        } else if ((m = at(msg.startsWith("Address "), ADDRESS_MAPS, msg)) != null) {
            network(e, "ssh_reverse_mapping_failed", m.group(1), null);
            e.ensureSource().domain = m.group(2);
        } else if (msg.startsWith("pam_")) {
            PamMessages.parse(msg, e);
        } else {
            ev.category = "host";
            ev.action = "ssh_other";
        }
        if (msg.contains("[preauth]")) {
            e.field("ssh.preauth", "true");
        }
        e.ensureNetwork().protocol = "ssh";
    }

    /**
     * The pattern's match at the start of the message, tried only when the message starts with the
     * pattern's literal beginning ({@code possible}): most messages are none of these, and trying
     * every pattern on each cost a third of the decoding thread.
     */
    private static Matcher at(boolean possible, Pattern pattern, String msg) {
        if (!possible) {
            return null;
        }
        Matcher m = pattern.matcher(msg);
        return m.lookingAt() ? m : null;
    }

    /** A login accepted or failed: {@link #FAILED} and {@link #ACCEPTED}'s groups. */
    record Login(String method, boolean invalidUser, String user, String address, String port) {}

    /**
     * A disconnect: {@link #DISCONNECT}'s groups, the qualifier ({@code "invalid "} or {@code
     * "authenticating "}) and user of whichever alternative matched.
     */
    record Disconnect(String user, String qualifier, String address, String port) {}

    /** {@link #FAILED} at the start of the message, or null. */
    static Login failed(String msg, boolean plain) {
        if (!msg.startsWith("Failed ")) {
            return null;
        }
        if (plain) {
            return login(msg, 7, true);
        }
        Matcher m = FAILED.matcher(msg);
        return m.lookingAt()
                ? new Login(m.group(1), m.group(2) != null, m.group(3), m.group(4), m.group(5))
                : null;
    }

    /** {@link #ACCEPTED} at the start of the message, or null. */
    static Login accepted(String msg, boolean plain) {
        if (!msg.startsWith("Accepted ")) {
            return null;
        }
        if (plain) {
            return login(msg, 9, false);
        }
        Matcher m = ACCEPTED.matcher(msg);
        return m.lookingAt()
                ? new Login(m.group(1), false, m.group(2), m.group(3), m.group(4))
                : null;
    }

    /**
     * {@code (\S+) for (invalid user )?(.*?) from ADDR port (\d+)} from {@code start}, as the regex
     * engine backtracks through it. Failed and accepted logins are most of an auth log, and their
     * patterns' lazy user and address, retried at every character, were the largest part of the
     * decoder's time. The method is the whole first word; the user the shortest text before a "
     * from " that an address and a port follow; the address, whose lookahead admits only a space
     * before " port ", is then the whole run of address characters. With "invalid user " in front
     * the user is first tried after it, then (as the optional group gives way) from the start.
     */
    private static Login login(String msg, int start, boolean invalidUserForm) {
        int n = msg.length();
        int i = start;
        while (i < n && msg.charAt(i) != ' ') {
            i++;
        }
        if (i == start || !msg.startsWith(" for ", i)) {
            return null;
        }
        String method = msg.substring(start, i);
        int user = i + 5;
        if (invalidUserForm && msg.startsWith("invalid user ", user)) {
            Login l = userFromAddressPort(msg, method, true, user + 13);
            if (l != null) {
                return l;
            }
        }
        return userFromAddressPort(msg, method, false, user);
    }

    private static Login userFromAddressPort(
            String msg, String method, boolean invalidUser, int user) {
        int n = msg.length();
        for (int from = msg.indexOf(" from ", user);
                from >= 0;
                from = msg.indexOf(" from ", from + 1)) {
            int address = from + 6;
            int end = address;
            while (end < n && addressChar(msg.charAt(end))) {
                end++;
            }
            int digits = end + 6;
            if (end > address
                    && msg.startsWith(" port ", end)
                    && digits < n
                    && Scan.isDigit(msg.charAt(digits))) {
                int last = digits + 1;
                while (last < n && Scan.isDigit(msg.charAt(last))) {
                    last++;
                }
                return new Login(
                        method,
                        invalidUser,
                        msg.substring(user, from),
                        msg.substring(address, end),
                        msg.substring(digits, last));
            }
        }
        return null;
    }

    /** {@link #DISCONNECT} at the start of the message, or null. */
    static Disconnect disconnect(String msg, boolean plain) {
        int after;
        boolean userForm = true;
        if (msg.startsWith("Received disconnect from")) {
            after = 24;
            userForm = false;
        } else if (msg.startsWith("Disconnected from")) {
            after = 17;
        } else if (msg.startsWith("Connection closed by")) {
            after = 20;
        } else if (msg.startsWith("Connection reset by")) {
            after = 19;
        } else {
            return null;
        }
        if (!plain) {
            Matcher m = DISCONNECT.matcher(msg);
            if (!m.lookingAt()) {
                return null;
            }
            return new Disconnect(
                    m.group(2) != null ? m.group(2) : m.group(4) != null ? m.group(4) : m.group(6),
                    m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5),
                    m.group(7),
                    m.group(8));
        }
        // The optional " [invalid |authenticating ]user NAME" first; when no address follows it,
        // the pattern gives the group up and reads the address right after the literal.
        if (userForm && msg.startsWith(" ", after)) {
            int q = after + 1;
            String qualifier = null;
            if (msg.startsWith("invalid ", q)) {
                qualifier = "invalid ";
                q += 8;
            } else if (msg.startsWith("authenticating ", q)) {
                qualifier = "authenticating ";
                q += 15;
            }
            if (msg.startsWith("user ", q)) {
                int name = q + 5;
                int end = name;
                while (end < msg.length() && msg.charAt(end) != ' ') {
                    end++;
                }
                if (end > name) {
                    Disconnect d = addressAndPort(msg, end, msg.substring(name, end), qualifier);
                    if (d != null) {
                        return d;
                    }
                }
            }
        }
        return addressAndPort(msg, after, null, null);
    }

    /**
     * {@code " " ADDR (?: port (\d+))?} at {@code at}. ADDR is lazy with a lookahead of the end, a
     * space, ']', ": " or ":" at the end: in a run of address characters (':' among them, space and
     * ']' not) that is a trailing ':' before a space or the end, else the whole run when a space,
     * ']' or the end follows it.
     */
    private static Disconnect addressAndPort(String msg, int at, String user, String qualifier) {
        int n = msg.length();
        if (at >= n || msg.charAt(at) != ' ') {
            return null;
        }
        int address = at + 1;
        int run = address;
        while (run < n && addressChar(msg.charAt(run))) {
            run++;
        }
        int end;
        if (run - address >= 2
                && msg.charAt(run - 1) == ':'
                && (run == n || msg.charAt(run) == ' ')) {
            end = run - 1;
        } else if (run > address
                && (run == n || msg.charAt(run) == ' ' || msg.charAt(run) == ']')) {
            end = run;
        } else {
            return null;
        }
        String port = null;
        int digits = end + 6;
        if (msg.startsWith(" port ", end) && digits < n && Scan.isDigit(msg.charAt(digits))) {
            int last = digits + 1;
            while (last < n && Scan.isDigit(msg.charAt(last))) {
                last++;
            }
            port = msg.substring(digits, last);
        }
        return new Disconnect(user, qualifier, msg.substring(address, end), port);
    }

    /** A character of {@link #ADDR}: {@code [\\w.:%*-]}. */
    private static boolean addressChar(char c) {
        return Scan.isWord(c) || c == '.' || c == ':' || c == '%' || c == '*' || c == '-';
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
