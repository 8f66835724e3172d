package org.socengine.connectors.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.socengine.connectors.decode.Decoders;

/**
 * Checks a configuration against {@link ConfigKeys}: unknown keys (with the nearest known one),
 * values of the wrong kind, files that are missing or unreadable, a secret given both inline and as
 * a file. What {@code ./soc config check} prints and what {@link SocConfig#load} refuses to start
 * with.
 */
public final class ConfigCheck {

    private ConfigCheck() {}

    /** Every problem of a file and of the {@code SOC_*} variables of {@code env}. */
    public static List<ConfigProblem> check(Path file, Map<String, String> env) throws IOException {
        List<ConfigProblem> problems = new ArrayList<>();
        if (file != null) {
            ConfigFile f = ConfigFile.read(file);
            problems.addAll(f.problems());
            problems.addAll(entries(file.toString(), f.entries()));
        }
        problems.addAll(environment(env));
        return problems;
    }

    /** The problems of the settings of one file. */
    public static List<ConfigProblem> entries(String where, List<ConfigFile.Entry> entries) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, ConfigFile.Entry> byKey = new HashMap<>();
        for (ConfigFile.Entry e : entries) {
            byKey.put(ConfigKeys.canonical(e.key()), e);
        }
        for (ConfigFile.Entry e : entries) {
            String problem = problem(e.key(), e.value());
            if (problem != null) {
                problems.add(new ConfigProblem(where, e.line(), e.key(), problem));
            }
        }
        for (String secret : ConfigKeys.secrets()) {
            ConfigFile.Entry inline = byKey.get(secret);
            ConfigFile.Entry file = byKey.get(ConfigKeys.fileForm(secret));
            if (inline != null
                    && file != null
                    && !inline.value().isEmpty()
                    && !file.value().isEmpty()) {
                problems.add(
                        new ConfigProblem(
                                where,
                                Math.max(inline.line(), file.line()),
                                secret,
                                "set both inline and as "
                                        + ConfigKeys.fileForm(secret)
                                        + "; keep one"));
            }
        }
        return problems;
    }

    /** The problems of the variables that set a key ({@code SOC_KAFKA}, ...). */
    public static List<ConfigProblem> environment(Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, String> sorted = new TreeMap<>(env);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            Optional<ConfigKey> key = ConfigKeys.ofVariable(e.getKey());
            if (key.isEmpty() || e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            String problem = key.get().problem(e.getValue());
            if (problem != null) {
                problems.add(new ConfigProblem("$" + e.getKey(), 0, key.get().name(), problem));
            }
        }
        for (String secret : ConfigKeys.secrets()) {
            String inline = ConfigKeys.find(secret).orElseThrow().variable();
            String file = inline + "_FILE";
            if (notEmpty(env.get(inline)) && notEmpty(env.get(file))) {
                problems.add(
                        new ConfigProblem(
                                "$" + inline,
                                0,
                                secret,
                                "set both " + inline + " and " + file + "; keep one"));
            }
        }
        return problems;
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** What is wrong with one setting, or null. An empty value leaves the default. */
    public static String problem(String key, String value) {
        Optional<ConfigKey> k = ConfigKeys.find(key);
        if (k.isEmpty()) {
            return "unknown key"
                    + ConfigKeys.nearest(key)
                            .map(n -> "; did you mean " + n + "?")
                            .orElse(" (docs/configuration.md lists every key)");
        }
        if (value == null || value.isEmpty()) {
            return null;
        }
        String problem = k.get().problem(value);
        if (problem != null) {
            return problem;
        }
        if (k.get().name().equals("decode.time_zone.<source>")) {
            String source = key.substring("decode.time_zone.".length());
            if (!Decoders.exists(source)) {
                return "unknown source '"
                        + source
                        + "' (known: "
                        + String.join(", ", Decoders.sources())
                        + ")";
            }
        }
        return null;
    }
}
