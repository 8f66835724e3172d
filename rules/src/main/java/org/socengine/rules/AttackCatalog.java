package org.socengine.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled list of MITRE ATT&CK Enterprise techniques the linter accepts, with the tactics each
 * belongs to, so that a typo ({@code t1110.010}) or a technique filed under the wrong tactic is
 * caught before a rule ships.
 */
public final class AttackCatalog {

    public static final String RESOURCE = "/org/socengine/rules/attack-enterprise.tsv";

    /** A technique: id ({@code T1110.003}), name, and tactic tag names. */
    public record Technique(String id, String name, List<String> tactics) {}

    private static final Map<String, Technique> TECHNIQUES = load();

    private AttackCatalog() {}

    /** The technique of an id such as {@code T1110.003} (any case), or null. */
    public static Technique technique(String id) {
        return id == null ? null : TECHNIQUES.get(id.toUpperCase(java.util.Locale.ROOT));
    }

    public static Map<String, Technique> techniques() {
        return Collections.unmodifiableMap(TECHNIQUES);
    }

    private static Map<String, Technique> load() {
        Map<String, Technique> out = new LinkedHashMap<>();
        try (InputStream in = AttackCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                if (cols.length != 3) {
                    throw new IllegalStateException("bad line in " + RESOURCE + ": " + line);
                }
                out.put(cols[0], new Technique(cols[0], cols[1], List.of(cols[2].split(","))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
