package org.socengine.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a JDK of at least a given version: Elasticsearch 9 needs 21+, the project runs on 17. */
public final class JdkFinder {

    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    private JdkFinder() {}

    /**
     * {@code ES_JAVA_HOME}, then {@code JAVA_HOME}, then this JVM, then the JDKs in the system's
     * JVM folders; the first of at least {@code minVersion}.
     */
    public static Optional<Path> find(int minVersion) {
        List<Path> candidates = new ArrayList<>();
        addEnv(candidates, "ES_JAVA_HOME");
        addEnv(candidates, "JAVA_HOME");
        candidates.add(Path.of(System.getProperty("java.home")));
        for (String root :
                List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt", "/usr/local")) {
            Path r = Path.of(root);
            if (Files.isDirectory(r)) {
                try (var list = Files.list(r)) {
                    list.sorted(java.util.Comparator.reverseOrder()).forEach(candidates::add);
                } catch (IOException e) {
                    // An unreadable folder holds no JDK we can use.
                }
            }
        }
        for (Path c : candidates) {
            int v = version(c);
            if (v >= minVersion && Files.isExecutable(c.resolve("bin/java"))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static void addEnv(List<Path> out, String name) {
        String v = System.getenv(name);
        if (v != null && !v.isBlank()) {
            out.add(Path.of(v));
        }
    }

    /** The feature version of the JDK at home (from its {@code release} file), or -1. */
    public static int version(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        try {
            Matcher m = VERSION.matcher(Files.readString(release));
            if (m.find()) {
                int major = Integer.parseInt(m.group(1));
                return major == 1 ? 8 : major;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
