package org.socengine.cli.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.socengine.model.AttackTags;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;

/**
 * The rule files of the rules folder, by rule id: the alert page shows a rule's triage guide, false
 * positives and references from here, and the ATT&CK matrix colours what the rules cover. Read
 * again when the folder changed, so an edited triage guide shows without a restart.
 */
public final class RuleLibrary {

    private final Path dir;
    private volatile Map<String, RuleDefinition> rules = Map.of();
    private volatile long loadedStamp = -1;

    public RuleLibrary(Path dir) {
        this.dir = dir;
    }

    public Optional<RuleDefinition> rule(String id) {
        return Optional.ofNullable(current().get(id));
    }

    public Map<String, RuleDefinition> all() {
        return current();
    }

    /** Technique ids ({@code T1110.001}) some enabled rule's tags name. */
    public Set<String> coveredTechniques() {
        Set<String> out = new TreeSet<>();
        for (RuleDefinition r : current().values()) {
            if (r.enabled()) {
                out.addAll(AttackTags.techniques(r.tags()));
            }
        }
        return out;
    }

    private Map<String, RuleDefinition> current() {
        if (dir == null || !Files.isDirectory(dir)) {
            return Map.of();
        }
        long stamp = stamp();
        if (stamp != loadedStamp) {
            synchronized (this) {
                if (stamp != loadedStamp) {
                    rules = load();
                    loadedStamp = stamp;
                }
            }
        }
        return rules;
    }

    /** The newest modification time in the folder, and the number of files. */
    private long stamp() {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(RuleLibrary::isRuleFile)
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.getLastModifiedTime(p).toMillis() * 31 + 1;
                                } catch (IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        } catch (IOException e) {
            return loadedStamp;
        }
    }

    private Map<String, RuleDefinition> load() {
        Map<String, RuleDefinition> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(RuleLibrary::isRuleFile).sorted().toList();
        } catch (IOException e) {
            return rules;
        }
        for (Path f : files) {
            try {
                RuleDefinition r = RuleParser.parse(f);
                out.put(r.id(), r);
            } catch (Exception e) {
                // A broken rule file is the linter's business; the console shows the others.
            }
        }
        return out;
    }

    private static boolean isRuleFile(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p)
                && (n.endsWith(".yml") || n.endsWith(".yaml"))
                && !p.toString().contains("/fixtures/");
    }
}
