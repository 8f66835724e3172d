package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;

/**
 * Account management by shadow-utils: useradd, usermod, userdel, groupadd, groupmod, groupdel,
 * gpasswd, passwd, chpasswd. Sets {@code event.category=iam}, the account acted upon in {@code
 * user.target.*} and the group in {@code group.*}.
 */
final class AccountMessages {

    private static final Pattern NEW_USER =
            Pattern.compile("^new user: name=([^,\\s]+), UID=(\\d+), GID=(\\d+)(.*)$");
    private static final Pattern NEW_GROUP =
            Pattern.compile("^(?:new group|group added to \\S+): name=([^,\\s]+)(?:, GID=(\\d+))?");
    private static final Pattern ADD_TO_GROUP =
            Pattern.compile("^add '([^']+)' to (?:shadow )?group '([^']+)'");
    private static final Pattern GPASSWD_ADD =
            Pattern.compile("^user (\\S+) added by (\\S+) to group (\\S+)");
    private static final Pattern GPASSWD_REMOVE =
            Pattern.compile("^user (\\S+) removed by (\\S+) from group (\\S+)");
    private static final Pattern DELETE_FROM_GROUP =
            Pattern.compile("^delete '([^']+)' from (?:shadow )?group '([^']+)'");
    private static final Pattern DELETE_USER = Pattern.compile("^delete user '([^']+)'");
    private static final Pattern REMOVE_GROUP =
            Pattern.compile("^(?:removed group '([^']+)'|group '([^']+)' removed)");
    private static final Pattern CHANGE_USER =
            Pattern.compile("^(?:change|lock|unlock) user '([^']+)'(.*)$");
    private static final Pattern CHANGE_NAME =
            Pattern.compile("^change user name '([^']+)' to '([^']+)'");
    private static final Pattern GROUP_CHANGE =
            Pattern.compile("^(?:change )?group '([^']+)'.*?(?:changed|to)");
    private static final Pattern PASSWORD =
            Pattern.compile("^(?:password for '?([^'\\s]+)'? changed|password changed for (\\S+))");

    private AccountMessages() {}

    static void parse(String program, String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "iam";
        if (msg.startsWith("pam_") && PamMessages.parse(msg, e)) {
            return;
        }
        Matcher m;
        if ((m = NEW_USER.matcher(msg)).lookingAt()) {
            set(e, "user_created", "creation", m.group(1));
            e.user.target.id = m.group(2);
            e.ensureGroup().id = m.group(3);
            for (String kv : m.group(4).split(",")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    e.field("account." + kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
        } else if ((m = NEW_GROUP.matcher(msg)).lookingAt()) {
            ev.type = "creation";
            ev.action = "group_created";
            ev.outcome = "success";
            e.ensureGroup().name = m.group(1);
            e.group.id = m.group(2);
        } else if ((m = ADD_TO_GROUP.matcher(msg)).lookingAt()
                || (m = GPASSWD_ADD.matcher(msg)).lookingAt()) {
            set(e, "member_added_to_group", "change", m.group(1));
            e.ensureGroup().name = m.group(m.groupCount());
            if (m.groupCount() == 3) {
                e.ensureUser().name = m.group(2);
            }
        } else if ((m = DELETE_FROM_GROUP.matcher(msg)).lookingAt()
                || (m = GPASSWD_REMOVE.matcher(msg)).lookingAt()) {
            set(e, "member_removed_from_group", "change", m.group(1));
            e.ensureGroup().name = m.group(m.groupCount());
            if (m.groupCount() == 3) {
                e.ensureUser().name = m.group(2);
            }
        } else if ((m = DELETE_USER.matcher(msg)).lookingAt()) {
            set(e, "user_deleted", "deletion", m.group(1));
        } else if ((m = REMOVE_GROUP.matcher(msg)).lookingAt()) {
            ev.type = "deletion";
            ev.action = "group_deleted";
            ev.outcome = "success";
            e.ensureGroup().name = m.group(1) != null ? m.group(1) : m.group(2);
        } else if ((m = CHANGE_NAME.matcher(msg)).lookingAt()) {
            set(e, "user_renamed", "change", m.group(2));
            e.field("account.old_name", m.group(1));
        } else if ((m = PASSWORD.matcher(msg)).lookingAt()) {
            set(e, "password_changed", "change", m.group(1) != null ? m.group(1) : m.group(2));
        } else if ((m = CHANGE_USER.matcher(msg)).lookingAt()) {
            set(e, "user_modified", "change", m.group(1));
            e.field("account.change", msg);
        } else if ((m = GROUP_CHANGE.matcher(msg)).lookingAt()) {
            ev.type = "change";
            ev.action = "group_modified";
            ev.outcome = "success";
            e.ensureGroup().name = m.group(1);
        } else if (msg.startsWith("failed") || msg.contains("failed")) {
            ev.action = program + "_failed";
            ev.outcome = "failure";
        } else {
            ev.action = program + "_other";
        }
    }

    private static void set(SecurityEvent e, String action, String type, String target) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.type = type;
        ev.action = action;
        ev.outcome = "success";
        e.ensureUser().ensureTarget().name = target;
    }
}
