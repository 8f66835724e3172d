package org.socengine.connectors.decode;

import java.util.Locale;
import org.socengine.model.SecurityEvent;

/** Routes a syslog message to the parser of its program. */
final class SyslogMessages {

    private SyslogMessages() {}

    static void parse(String program, String message, SecurityEvent event) {
        if (program == null) {
            return;
        }
        String p = program.toLowerCase(Locale.ROOT);
        int slash = p.lastIndexOf('/');
        if (slash >= 0) {
            p = p.substring(slash + 1);
        }
        switch (p) {
            case "sshd" -> SshdMessages.parse(message, event);
            default -> {
                // Kept as a generic host event: decoded, with the message in syslog.message.
            }
        }
    }
}
