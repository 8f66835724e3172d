package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.model.SecurityEvent;

/**
 * Linux-PAM module messages that any service logs under its own program name (sudo, su, login,
 * cron, sshd): authentication failures, unknown users, sessions opened and closed, password
 * changes. The PAM service ({@code sshd}, {@code su}, ...) goes to {@code pam.service}.
 */
final class PamMessages {

    private static final Pattern AUTH_FAILURE =
            Pattern.compile("^(pam_\\w+)\\(([^:)]+):(\\w+)\\): authentication failure;(.*)$");
    private static final Pattern SESSION =
            Pattern.compile(
                    "^(pam_\\w+)\\(([^:)]+):session\\): session (opened|closed) for user ([^\\s(]+)(?:\\(uid=\\d+\\))?(?: by ([^\\s(]*)(?:\\(uid=(\\d+)\\))?)?");
    private static final Pattern USER_UNKNOWN =
            Pattern.compile("^(pam_\\w+)\\(([^:)]+):auth\\): check pass; user unknown");
    private static final Pattern PASSWORD_CHANGED =
            Pattern.compile("^(pam_\\w+)\\(([^:)]+):chauthtok\\): password changed for (\\S+)");
    private static final Pattern GENERIC =
            Pattern.compile("^(pam_\\w+)\\(([^:)]+):(\\w+)\\): (.*)$");

    private PamMessages() {}

    /** True when the message was a PAM message and set the event's fields. */
    static boolean parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        Matcher m;
        if (msg.contains("): authentication failure;")
                && (m = AUTH_FAILURE.matcher(msg)).lookingAt()) {
            pam(e, m.group(1), m.group(2));
            ev.category = "authentication";
            ev.type = "start";
            ev.action = "pam_auth_failure";
            ev.outcome = "failure";
            String[] found = new String[3];
            Scan.wordPairs(
                    m.group(4),
                    (k, v) -> {
                        if (v.isEmpty()) {
                            return;
                        }
                        switch (k) {
                            case "user" -> found[0] = v;
                            case "ruser" -> found[1] = v;
                            case "logname" -> found[1] = found[1] == null ? v : found[1];
                            case "rhost" -> found[2] = v;
                            case "tty" -> e.field("pam.tty", v);
                            case "uid" -> e.field("pam.uid", v);
                            case "euid" -> e.field("pam.euid", v);
                            default -> {}
                        }
                    });
            String user = found[0];
            String ruser = found[1];
            String rhost = found[2];
            // For su and sudo the requesting account is ruser and the account asked for is
            // user; for remote logins user is the account being logged into.
            if (ruser != null && user != null && !ruser.equals(user)) {
                e.ensureUser().name = ruser;
                e.ensureUser().ensureTarget().name = user;
            } else if (user != null || ruser != null) {
                e.ensureUser().name = user != null ? user : ruser;
            }
            if (rhost != null) {
                Net.source(e, rhost, null);
            }
            return true;
        }
        Session session = session(msg);
        if (session != null) {
            pam(e, session.module(), session.service());
            boolean opened = session.opened();
            ev.category = "session";
            ev.type = opened ? "start" : "end";
            ev.action = opened ? "session_opened" : "session_closed";
            ev.outcome = "success";
            String by = session.by();
            if (by != null && !by.isEmpty()) {
                e.ensureUser().name = by;
                e.ensureUser().ensureTarget().name = session.user();
            } else {
                e.ensureUser().name = session.user();
            }
            return true;
        }
        if ((m = USER_UNKNOWN.matcher(msg)).lookingAt()) {
            pam(e, m.group(1), m.group(2));
            ev.category = "authentication";
            ev.action = "pam_user_unknown";
            ev.outcome = "failure";
            return true;
        }
        if ((m = PASSWORD_CHANGED.matcher(msg)).lookingAt()) {
            pam(e, m.group(1), m.group(2));
            ev.category = "iam";
            ev.type = "change";
            ev.action = "password_changed";
            ev.outcome = "success";
            e.ensureUser().ensureTarget().name = m.group(3);
            return true;
        }
        if ((m = GENERIC.matcher(msg)).lookingAt()) {
            pam(e, m.group(1), m.group(2));
            ev.category = "authentication";
            ev.action = "pam_" + m.group(3);
            return true;
        }
        return false;
    }

    /** {@link #SESSION}'s groups: module, service, opened or closed, user, and "by" (or null). */
    record Session(String module, String service, boolean opened, String user, String by) {}

    /**
     * {@link #SESSION} at the start of the message, or null. Sessions opened and closed are most of
     * an auth log; every part of the pattern has one extent (greedy runs that end at a character
     * they exclude, optional parts that nothing after them can refuse), so on printable ASCII
     * ({@link Scan#printableAscii}, where {@code \s} is the space alone) the scan reads what the
     * pattern reads. Other text goes to the pattern.
     */
    static Session session(String msg) {
        if (!msg.startsWith("pam_")) {
            return null;
        }
        if (!Scan.printableAscii(msg)) {
            Matcher m = SESSION.matcher(msg);
            return m.lookingAt()
                    ? new Session(
                            m.group(1),
                            m.group(2),
                            m.group(3).equals("opened"),
                            m.group(4),
                            m.group(5))
                    : null;
        }
        int n = msg.length();
        int i = 4;
        while (i < n && Scan.isWord(msg.charAt(i))) {
            i++;
        }
        if (i == 4 || i >= n || msg.charAt(i) != '(') {
            return null;
        }
        int service = i + 1;
        int serviceEnd = service;
        while (serviceEnd < n && msg.charAt(serviceEnd) != ':' && msg.charAt(serviceEnd) != ')') {
            serviceEnd++;
        }
        if (serviceEnd == service || !msg.startsWith(":session): session ", serviceEnd)) {
            return null;
        }
        int verb = serviceEnd + 19;
        boolean opened;
        if (msg.startsWith("opened", verb)) {
            opened = true;
        } else if (msg.startsWith("closed", verb)) {
            opened = false;
        } else {
            return null;
        }
        if (!msg.startsWith(" for user ", verb + 6)) {
            return null;
        }
        int user = verb + 16;
        int userEnd = nameEnd(msg, user);
        if (userEnd == user) {
            return null;
        }
        String by = null;
        int p = uidEnd(msg, userEnd);
        if (msg.startsWith(" by ", p)) {
            by = msg.substring(p + 4, nameEnd(msg, p + 4));
        }
        return new Session(
                msg.substring(0, i),
                msg.substring(service, serviceEnd),
                opened,
                msg.substring(user, userEnd),
                by);
    }

    /** The end of a run of {@code [^\s(]}, on printable ASCII. */
    private static int nameEnd(String msg, int from) {
        int end = from;
        while (end < msg.length() && msg.charAt(end) != ' ' && msg.charAt(end) != '(') {
            end++;
        }
        return end;
    }

    /** After a {@code (uid=\d+)} at {@code at}, or {@code at} when there is none. */
    private static int uidEnd(String msg, int at) {
        if (!msg.startsWith("(uid=", at)) {
            return at;
        }
        int d = at + 5;
        while (d < msg.length() && Scan.isDigit(msg.charAt(d))) {
            d++;
        }
        return d > at + 5 && d < msg.length() && msg.charAt(d) == ')' ? d + 1 : at;
    }

    private static void pam(SecurityEvent e, String module, String service) {
        e.field("pam.module", module);
        e.field("pam.service", service);
    }
}
