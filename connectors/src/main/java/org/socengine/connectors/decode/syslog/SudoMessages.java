package org.socengine.connectors.decode.syslog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.model.SecurityEvent;

/**
 * sudo's log lines: {@code alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls}, with
 * an optional failure reason first ({@code 3 incorrect password attempts}, {@code user NOT in
 * sudoers}, {@code command not allowed}), and the PAM messages sudo passes on.
 */
final class SudoMessages {

    private static final Pattern LINE = Pattern.compile("^\\s*(\\S+) : (.*)$", Pattern.DOTALL);

    private SudoMessages() {}

    static void parse(String msg, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        if (msg.startsWith("pam_") && PamMessages.parse(msg, e)) {
            return;
        }
        Matcher m = LINE.matcher(msg);
        if (!m.matches()) {
            ev.category = "process";
            ev.action = "sudo_other";
            return;
        }
        e.ensureUser().name = m.group(1);
        String reason = null;
        for (String part : m.group(2).split(" ; ")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? null : part.substring(0, eq).strip();
            boolean isKey = key != null && Scan.upperKey(key);
            if (!isKey) {
                reason = reason == null ? part.strip() : reason;
                continue;
            }
            String value = part.substring(eq + 1);
            switch (key) {
                case "TTY" -> e.field("sudo.tty", value);
                case "PWD" -> e.field("sudo.pwd", value);
                case "USER" -> e.ensureUser().ensureTarget().name = value;
                case "GROUP" -> e.field("sudo.group", value);
                case "COMMAND" -> {
                    e.ensureProcess().command_line = value;
                    int sp = value.indexOf(' ');
                    String exe = sp < 0 ? value : value.substring(0, sp);
                    e.process.executable = exe;
                    e.process.name = exe.substring(exe.lastIndexOf('/') + 1);
                }
                default -> e.field("sudo." + key.toLowerCase(java.util.Locale.ROOT), value);
            }
        }
        if (reason == null) {
            ev.category = "process";
            ev.type = "start";
            ev.action = "sudo_command";
            ev.outcome = "success";
            return;
        }
        e.field("sudo.reason", reason);
        ev.outcome = "failure";
        if (reason.contains("incorrect password") || reason.contains("authentication failure")) {
            ev.category = "authentication";
            ev.type = "start";
            ev.action = "sudo_auth_failed";
        } else {
            // "user NOT in sudoers", "command not allowed", "user NOT authorized on host"
            ev.category = "process";
            ev.type = "denied";
            ev.action = "sudo_denied";
        }
    }
}
