package org.socengine.connectors.decode.syslog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;

/**
 * cron and cronie: {@code (root) CMD (run-parts /etc/cron.hourly)}, crontab edits ({@code (bob)
 * REPLACE (bob)}), and the PAM session lines of cron jobs.
 */
final class CronMessages {

    private static final Pattern ENTRY =
            Pattern.compile("^\\(([^)]*)\\) ([A-Z][A-Z ]*?) \\((.*)\\)\\s*$", Pattern.DOTALL);

    private CronMessages() {}

    static void parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        if (msg.startsWith("pam_") && PamMessages.parse(msg, e)) {
            return;
        }
        Matcher m = ENTRY.matcher(msg);
        if (!m.matches()) {
            ev.category = "process";
            ev.action = "cron_other";
            return;
        }
        String user = m.group(1);
        String verb = m.group(2).strip();
        String arg = m.group(3);
        if (!user.isEmpty() && !user.equals("CRON")) {
            e.ensureUser().name = user;
        }
        ev.category = "process";
        switch (verb) {
            case "CMD" -> {
                ev.type = "start";
                ev.action = "cron_command";
                ev.outcome = "success";
                e.ensureProcess().command_line = arg;
            }
            case "REPLACE", "BEGIN EDIT", "END EDIT", "DELETE" -> {
                ev.category = "file";
                ev.type = "change";
                ev.action = "crontab_" + verb.toLowerCase(Locale.ROOT).replace(' ', '_');
                e.field("cron.crontab_user", arg);
            }
            default -> {
                ev.action = "cron_" + verb.toLowerCase(Locale.ROOT).replace(' ', '_');
                e.field("cron.detail", arg);
            }
        }
    }
}
