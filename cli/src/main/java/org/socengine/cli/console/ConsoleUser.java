package org.socengine.cli.console;

import java.time.ZoneId;
import java.util.Locale;

/**
 * A console user. A department liaison sees and changes only its own department's alerts and
 * incidents; a provincial analyst and an admin see every department; only an admin sees rule health
 * and the log-source overview of every department (a liaison sees its own there too).
 */
public record ConsoleUser(
        String name, Role role, String department, String language, ZoneId zone, String hash) {

    public enum Role {
        ANALYST("analyst"),
        LIAISON("liaison"),
        ADMIN("admin");

        final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Role parse(String s) {
            for (Role r : values()) {
                if (r.label.equals(s.toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException(
                    "role must be analyst, liaison or admin, got '" + s + "'");
        }
    }

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Ho_Chi_Minh");

    public ConsoleUser {
        if (role == Role.LIAISON && (department == null || department.isBlank())) {
            throw new IllegalArgumentException("a liaison needs a department: " + name);
        }
    }

    /**
     * The only department this user may read or change, or null for every department. Every query
     * of the console goes through this, so a liaison's scope is the server's, not the page's.
     */
    public String scope() {
        return role == Role.LIAISON ? department : null;
    }

    /** Whether an alert or incident of this department (null: none) is within the user's scope. */
    public boolean mayAccess(String documentDepartment) {
        String s = scope();
        return s == null || s.equals(documentDepartment);
    }

    public ConsoleUser withLanguage(String lang) {
        return new ConsoleUser(name, role, department, lang, zone, hash);
    }
}
