package org.socengine.cli.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's users file, one user a line, fields separated by {@code :}:
 *
 * <pre>
 * # name:role:department:language:time zone:password hash
 * lan:analyst:-:vi:Asia/Ho_Chi_Minh:pbkdf2-sha256$600000$...$...
 * minh:liaison:so-tttt:en:-:pbkdf2-sha256$600000$...$...
 * </pre>
 *
 * {@code -} leaves a field at its default (no department; Vietnamese; Asia/Ho_Chi_Minh). {@code
 * ./soc console user} prints such a line. A malformed line stops the console at start, naming the
 * line, rather than leaving a user out silently.
 */
public final class ConsoleUsers {

    private final Map<String, ConsoleUser> users;

    private ConsoleUsers(Map<String, ConsoleUser> users) {
        this.users = users;
    }

    public static ConsoleUsers of(List<ConsoleUser> list) {
        Map<String, ConsoleUser> m = new LinkedHashMap<>();
        list.forEach(u -> m.put(u.name(), u));
        return new ConsoleUsers(m);
    }

    public static ConsoleUsers load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<ConsoleUser> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(parse(l));
            } catch (IllegalArgumentException e) {
                problems.add(file + ":" + n + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
        if (out.isEmpty()) {
            throw new IOException(file + " lists no user");
        }
        return of(out);
    }

    /** Reads one users-file line; throws IllegalArgumentException naming what is wrong. */
    public static ConsoleUser parseLine(String line) {
        return parse(line);
    }

    static ConsoleUser parse(String line) {
        String[] f = line.split(":", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException(
                    "expected name:role:department:language:zone:hash, got "
                            + f.length
                            + " fields");
        }
        String name = f[0].strip();
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("user names are letters, digits and ._@-");
        }
        ConsoleUser.Role role = ConsoleUser.Role.parse(f[1].strip());
        String dept = dash(f[2]);
        String lang = dash(f[3]) == null ? Messages.VI : f[3].strip();
        if (!Messages.LANGUAGES.contains(lang)) {
            throw new IllegalArgumentException("language must be vi or en, got '" + lang + "'");
        }
        ZoneId zone;
        try {
            zone = dash(f[4]) == null ? ConsoleUser.DEFAULT_ZONE : ZoneId.of(f[4].strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + f[4] + "'");
        }
        String hash = f[5].strip();
        if (!PasswordHashes.wellFormed(hash)) {
            throw new IllegalArgumentException(
                    "the password field must be a hash (./soc console user prints one)");
        }
        return new ConsoleUser(name, role, dept, lang, zone, hash);
    }

    /** The users-file line of a user. */
    public static String line(ConsoleUser u) {
        return String.join(
                ":",
                u.name(),
                u.role().label(),
                u.department() == null ? "-" : u.department(),
                u.language(),
                u.zone().getId(),
                u.hash());
    }

    private static String dash(String s) {
        String t = s.strip();
        return t.isEmpty() || t.equals("-") ? null : t;
    }

    public Optional<ConsoleUser> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public int size() {
        return users.size();
    }
}
