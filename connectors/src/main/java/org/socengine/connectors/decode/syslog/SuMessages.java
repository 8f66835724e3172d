package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;

/**
 * su in its several dialects: util-linux ({@code (to root) alice on pts/0}, {@code FAILED SU (to
 * root) alice on pts/0}), shadow-utils ({@code Successful su for root by alice}, {@code + pts/0
 * alice:root}, {@code - pts/0 alice:root}), BusyBox, and the PAM messages su passes on.
 */
final class SuMessages {

    private static final Pattern UTIL_LINUX =
            Pattern.compile("^(FAILED SU )?\\(to (\\S+)\\) (\\S+) on (\\S+)");
    private static final Pattern SHADOW_OK = Pattern.compile("^Successful su for (\\S+) by (\\S+)");
    private static final Pattern SHADOW_FAIL = Pattern.compile("^FAILED su for (\\S+) by (\\S+)");
    private static final Pattern SHADOW_SHORT = Pattern.compile("^([+-]) (\\S+) ([^\\s:]+):(\\S+)");
    private static final Pattern AUTH_FAILURE =
            Pattern.compile("^pam_authenticate: (?:Authentication failure|.*)");

    private SuMessages() {}

    static void parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        if (msg.startsWith("pam_unix") && PamMessages.parse(msg, e)) {
            return;
        }
        Matcher m;
        if ((m = UTIL_LINUX.matcher(msg)).lookingAt()) {
            su(e, m.group(1) == null, m.group(3), m.group(2));
            e.field("su.tty", m.group(4));
        } else if ((m = SHADOW_OK.matcher(msg)).lookingAt()) {
            su(e, true, m.group(2), m.group(1));
        } else if ((m = SHADOW_FAIL.matcher(msg)).lookingAt()) {
            su(e, false, m.group(2), m.group(1));
        } else if ((m = SHADOW_SHORT.matcher(msg)).lookingAt()) {
            su(e, m.group(1).equals("+"), m.group(3), m.group(4));
            e.field("su.tty", m.group(2));
        } else if (AUTH_FAILURE.matcher(msg).lookingAt()) {
            ev.category = "authentication";
            ev.action = "su";
            ev.outcome = "failure";
        } else if (msg.startsWith("pam_") && PamMessages.parse(msg, e)) {
            return;
        } else {
            ev.category = "authentication";
            ev.action = "su_other";
        }
    }

    private static void su(SecurityEvent e, boolean ok, String from, String to) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.type = "start";
        ev.action = "su";
        ev.outcome = ok ? "success" : "failure";
        e.ensureUser().name = from;
        e.user.ensureTarget().name = to;
    }
}
