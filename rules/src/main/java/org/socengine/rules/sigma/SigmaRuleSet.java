package org.socengine.rules.sigma;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleSetRoot;
import org.socengine.rules.RuleValidationException;

/**
 * The other Sigma files of a rule set, where a correlation's rules are looked for when they are not
 * in its own file: the folder being loaded or linted ({@link RuleSetRoot}), else the correlation's
 * own folder. A rule text that arrives without a folder (the job reads {@code soc.rules}) has none:
 * {@code ./soc rules deploy} publishes a correlation with the rules it names copied in ({@link
 * #bundle}).
 */
public final class SigmaRuleSet {

    /** A rule found in another file. */
    record Found(SigmaDocument doc) {}

    static final SigmaRuleSet NONE = new SigmaRuleSet(null);

    private final Path root;

    private SigmaRuleSet(Path root) {
        this.root = root;
    }

    /** The rule set a file belongs to. */
    public static SigmaRuleSet around(String file) {
        Path current = RuleSetRoot.current();
        Path f;
        try {
            f = Path.of(file).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return NONE;
        }
        if (current != null && f.startsWith(current) && Files.isDirectory(current)) {
            return new SigmaRuleSet(current);
        }
        if (current != null && current.equals(f) && f.getParent() != null) {
            return new SigmaRuleSet(f.getParent());
        }
        Path dir = f.getParent();
        return dir != null && Files.isRegularFile(f) ? new SigmaRuleSet(dir) : NONE;
    }

    public static SigmaRuleSet of(Path root) {
        return new SigmaRuleSet(root.toAbsolutePath().normalize());
    }

    String describe() {
        return root == null ? "no rule set folder" : "looked in " + root;
    }

    /**
     * The detection rule named {@code ref} (its {@code name} or {@code id}) in a file of the set
     * other than {@code except}, or null. Two files defining it is a problem.
     */
    Found find(String ref, String except) throws RuleValidationException {
        if (root == null) {
            return null;
        }
        List<SigmaDocument> hits = new ArrayList<>();
        Path skip = Path.of(except).toAbsolutePath().normalize();
        for (Path file : files()) {
            if (file.toAbsolutePath().normalize().equals(skip)) {
                continue;
            }
            String text;
            try {
                if (Files.size(file) > RuleParser.MAX_RULE_BYTES) {
                    continue;
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            // Only files that mention the reference are parsed.
            if (!text.contains(ref) || !SigmaCompiler.isSigma(text)) {
                continue;
            }
            List<SigmaDocument> docs;
            try {
                docs = SigmaDocument.split(file.toString(), text);
            } catch (RuleValidationException e) {
                continue;
            }
            for (SigmaDocument d : docs) {
                if (d.has("detection")
                        && (ref.equals(d.scalar("name")) || ref.equalsIgnoreCase(d.scalar("id")))
                        && d.file().equals(file.toString())) {
                    hits.add(d);
                }
            }
        }
        if (hits.size() > 1) {
            throw new RuleValidationException(
                    new RuleProblem(
                            except,
                            1,
                            "sigma: correlation: rule '"
                                    + ref
                                    + "' is defined in "
                                    + hits.get(0).file()
                                    + " and in "
                                    + hits.get(1).file()));
        }
        return hits.isEmpty() ? null : new Found(hits.get(0));
    }

    private List<Path> files() {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(
                            p -> {
                                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                                return n.endsWith(".yml") || n.endsWith(".yaml");
                            })
                    .filter(p -> !root.relativize(p).toString().contains("fixtures"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The text to publish for a rule file: as it is, or, for a correlation that names rules in
     * other files, with those rules copied in after it (each marked with the file it came from) so
     * that the text compiles on its own where there is no rule folder.
     */
    public static String bundle(Path file, Path root) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!SigmaCompiler.isSigma(text)) {
            return text;
        }
        List<SigmaDocument> docs;
        try {
            docs = SigmaDocument.split(file.toString(), text);
        } catch (RuleValidationException e) {
            return text;
        }
        SigmaRuleSet set = of(root);
        Set<String> copied = new LinkedHashSet<>();
        StringBuilder out = new StringBuilder(text);
        for (SigmaDocument d : docs) {
            if (!d.has("correlation")
                    || !(d.value("correlation")
                            instanceof org.yaml.snakeyaml.nodes.MappingNode m)) {
                continue;
            }
            for (var t : m.getValue()) {
                if (!"rules".equals(SigmaMapping.scalar(t.getKeyNode()))) {
                    continue;
                }
                List<String> refs = new ArrayList<>();
                if (t.getValueNode() instanceof org.yaml.snakeyaml.nodes.SequenceNode seq) {
                    seq.getValue().forEach(n -> refs.add(SigmaMapping.scalar(n)));
                } else {
                    refs.add(SigmaMapping.scalar(t.getValueNode()));
                }
                for (String ref : refs) {
                    boolean local =
                            docs.stream()
                                    .anyMatch(
                                            x ->
                                                    ref != null
                                                            && (ref.equals(x.scalar("name"))
                                                                    || ref.equalsIgnoreCase(
                                                                            x.scalar("id"))));
                    if (ref == null || local) {
                        continue;
                    }
                    Found f;
                    try {
                        f = set.find(ref, file.toString());
                    } catch (RuleValidationException e) {
                        continue;
                    }
                    if (f != null && copied.add(f.doc().file() + "#" + f.doc().line())) {
                        if (!out.toString().endsWith("\n")) {
                            out.append('\n');
                        }
                        out.append("---\n")
                                .append(SigmaDocument.FROM)
                                .append(f.doc().file())
                                .append('\n')
                                .append(f.doc().text());
                    }
                }
            }
        }
        return out.toString();
    }
}
