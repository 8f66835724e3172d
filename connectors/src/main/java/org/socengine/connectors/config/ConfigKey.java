package org.socengine.connectors.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.socengine.connectors.secrets.Redaction;

/**
 * One setting of the configuration: its name (a pattern when it holds a {@code <placeholder>}, e.g.
 * {@code kafka.property.<name>}), the kind of value it takes, its default as the documentation
 * states it, what it means, and the environment variable that overrides it (none for patterns).
 */
public record ConfigKey(
        String name,
        Type type,
        String defaultValue,
        String meaning,
        String variable,
        List<String> choices) {

    /** The kinds of value, each with the check that {@code ./soc config check} applies. */
    public enum Type {
        TEXT("text"),
        INTEGER("whole number"),
        POSITIVE("whole number above 0"),
        NON_NEGATIVE("whole number, 0 or more"),
        PORT("port, 0 to 65535"),
        BOOLEAN("true or false"),
        DURATION("duration: 0, 200ms, 5s, 2m, 1h, 1d"),
        FILE("path of a readable file"),
        DIRECTORY("path of a readable folder"),
        LOCATION("folder path or URI (file://, s3://, hdfs://), created if missing"),
        WRITABLE_FILE("path of a file the engine writes, its folder created if missing"),
        CHOICE("one of the listed values"),
        TIME_ZONE("time zone, e.g. UTC, Asia/Ho_Chi_Minh"),
        URL("http:// or https:// URL"),
        HOST_PORTS("host:port[,host:port...]"),
        SECRET("secret (or its file: the key + _file)");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final Pattern DURATION =
            Pattern.compile(
                    "\\s*(0|\\d+\\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?))\\s*");
    private static final Pattern HOST_PORT =
            Pattern.compile("[^\\s:,]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}");

    public ConfigKey {
        choices = List.copyOf(choices);
    }

    /** A name with a {@code <placeholder>} stands for every key of that shape. */
    public boolean isPattern() {
        return name.indexOf('<') >= 0;
    }

    public boolean isSecret() {
        return type == Type.SECRET;
    }

    /** Whether a concrete key is this one, or of this pattern's shape. */
    public boolean matches(String key) {
        if (!isPattern()) {
            return name.equals(key);
        }
        int open = name.indexOf('<');
        int close = name.indexOf('>', open);
        String prefix = name.substring(0, open);
        String suffix = name.substring(close + 1);
        return key.length() > prefix.length() + suffix.length()
                && key.startsWith(prefix)
                && key.endsWith(suffix);
    }

    /** The text of {@link Type} for this key, with its choices. */
    public String describeType() {
        return type == Type.CHOICE ? String.join(" | ", choices) : type.description();
    }

    /**
     * What is wrong with a value of this key, or null when it is fine. Never repeats a secret;
     * other values are quoted with anything secret-looking in them masked.
     */
    public String problem(String value) {
        String v = value.trim();
        String shown = "'" + Redaction.text(v) + "'";
        switch (type) {
            case TEXT:
                return null;
            case SECRET:
                return v.isEmpty() ? "empty secret" : null;
            case INTEGER:
            case POSITIVE:
            case NON_NEGATIVE:
            case PORT:
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    return "not a whole number: " + shown;
                }
                if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
                    return "too large: " + shown;
                }
                if (type == Type.POSITIVE && n <= 0) {
                    return "must be above 0, not " + n;
                }
                if (type == Type.NON_NEGATIVE && n < 0) {
                    return "must be 0 or more, not " + n;
                }
                if (type == Type.PORT && (n < 0 || n > 65535)) {
                    return "not a port (0 to 65535): " + n;
                }
                return null;
            case BOOLEAN:
                return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")
                        ? null
                        : "not true or false: " + shown;
            case DURATION:
                return DURATION.matcher(v).matches()
                        ? null
                        : "not a duration: " + shown + " (write 0, 200ms, 5s, 2m, 1h or 1d)";
            case CHOICE:
                for (String c : choices) {
                    if (c.equalsIgnoreCase(v)) {
                        return null;
                    }
                }
                return "not one of " + String.join(", ", choices) + ": " + shown;
            case TIME_ZONE:
                try {
                    ZoneId.of(v);
                    return null;
                } catch (DateTimeException e) {
                    return "unknown time zone " + shown;
                }
            case URL:
                try {
                    URI u = URI.create(v);
                    String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                    if ((s.equals("http") || s.equals("https")) && u.getHost() != null) {
                        return null;
                    }
                } catch (IllegalArgumentException e) {
                    // reported below
                }
                return "not an http:// or https:// URL: " + shown;
            case HOST_PORTS:
                for (String part : v.split(",")) {
                    if (!HOST_PORT.matcher(part.trim()).matches()) {
                        return "not host:port[,host:port...]: " + shown;
                    }
                }
                return null;
            case FILE:
                return fileProblem(v, false);
            case DIRECTORY:
                return fileProblem(v, true);
            case LOCATION:
                return locationProblem(v);
            case WRITABLE_FILE:
                {
                    Path p = Path.of(v).toAbsolutePath();
                    if (Files.isDirectory(p)) {
                        return "is a folder, not a file: " + v;
                    }
                    return creatable(p.getParent(), v);
                }
            default:
                return null;
        }
    }

    private static String fileProblem(String v, boolean folder) {
        if (v.isEmpty()) {
            return "empty path";
        }
        Path p = Path.of(v);
        if (!Files.exists(p)) {
            return "no such " + (folder ? "folder" : "file") + ": " + v;
        }
        if (folder != Files.isDirectory(p)) {
            return (folder ? "not a folder: " : "a folder, not a file: ") + v;
        }
        if (!Files.isReadable(p)) {
            return "cannot read " + v + " (permissions)";
        }
        return null;
    }

    private static String locationProblem(String v) {
        if (v.isEmpty()) {
            return "empty path";
        }
        if (v.contains("://")) {
            URI u;
            try {
                u = URI.create(v);
            } catch (IllegalArgumentException e) {
                return "not a URI: '" + Redaction.text(v) + "'";
            }
            if (!"file".equalsIgnoreCase(u.getScheme())) {
                // An object store is checked by the job when it writes its first checkpoint.
                return null;
            }
            return creatable(Path.of(u), v);
        }
        return creatable(Path.of(v).toAbsolutePath(), v);
    }

    /** Null when the folder exists and is writable, or its nearest existing parent is. */
    private static String creatable(Path folder, String as) {
        Path p = folder;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return "cannot create " + as;
        }
        if (!Files.isDirectory(p)) {
            return p + " is a file, not a folder: cannot create " + as;
        }
        if (!Files.isWritable(p)) {
            return "cannot write in " + p + " (permissions)";
        }
        return null;
    }
}
