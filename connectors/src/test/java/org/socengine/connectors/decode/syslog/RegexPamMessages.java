package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.model.SecurityEvent;

/**
 * PamMessages as it was before sessions opened and closed were scanned by hand: the oracle of
 * SshdMessagesEquivalenceTest.
 *
 * <p>Linux-PAM module messages that any service logs under its own program name (sudo, su, login,
 * cron, sshd): authentication failures, unknown users, sessions opened and closed, password
 * changes. The PAM service ({@code sshd}, {@code su}, ...) goes to {@code pam.service}.
 */
final class RegexPamMessages {

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

    private RegexPamMessages() {}

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
        if ((m = SESSION.matcher(msg)).lookingAt()) {
            pam(e, m.group(1), m.group(2));
            boolean opened = m.group(3).equals("opened");
            ev.category = "session";
            ev.type = opened ? "start" : "end";
            ev.action = opened ? "session_opened" : "session_closed";
            ev.outcome = "success";
            String by = m.group(5);
            if (by != null && !by.isEmpty()) {
                e.ensureUser().name = by;
                e.ensureUser().ensureTarget().name = m.group(4);
            } else {
                e.ensureUser().name = m.group(4);
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

    private static void pam(SecurityEvent e, String module, String service) {
        e.field("pam.module", module);
        e.field("pam.service", service);
    }
}
