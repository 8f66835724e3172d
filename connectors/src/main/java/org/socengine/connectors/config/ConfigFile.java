package org.socengine.connectors.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The settings of one configuration file, each with the line it is on. A {@code .yml} or {@code
 * .yaml} file may nest keys ({@code kafka: {bootstrap: ...}}) or write them dotted ({@code
 * kafka.bootstrap: ...}), or mix both; nesting joins with dots. A list of values is joined with
 * commas. Any other file is read as Java properties ({@code key=value}), the format before YAML.
 */
public final class ConfigFile {

    /** One setting as written: the dotted key, its value, and its line (1-based). */
    public record Entry(String key, String value, int line) {}

    private final Path path;
    private final List<Entry> entries;
    private final List<ConfigProblem> problems;

    private ConfigFile(Path path, List<Entry> entries, List<ConfigProblem> problems) {
        this.path = path;
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    public Path path() {
        return path;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * What could not be read at all: syntax errors, duplicate keys, a mapping where a value was.
     */
    public List<ConfigProblem> problems() {
        return problems;
    }

    public static boolean isYaml(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yml") || n.endsWith(".yaml");
    }

    /**
     * @throws IOException when the file does not exist or cannot be read (a syntax error is a
     *     {@link #problems() problem}, not an exception)
     */
    public static ConfigFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such configuration file: " + file);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return isYaml(file) ? yaml(file, text) : properties(file, text);
    }

    static ConfigFile yaml(Path file, String text) {
        List<Entry> entries = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        Node root;
        try (Reader r = new StringReader(text)) {
            root = new Yaml(options).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            problems.add(new ConfigProblem(file.toString(), line, "", "YAML: " + e.getProblem()));
            return new ConfigFile(file, entries, problems);
        } catch (YAMLException | IOException e) {
            problems.add(new ConfigProblem(file.toString(), 1, "", "YAML: " + e.getMessage()));
            return new ConfigFile(file, entries, problems);
        }
        if (root == null) {
            return new ConfigFile(file, entries, problems);
        }
        if (!(root instanceof MappingNode m)) {
            problems.add(
                    new ConfigProblem(
                            file.toString(), line(root), "", "expected key: value pairs"));
            return new ConfigFile(file, entries, problems);
        }
        flatten(file, "", m, entries, problems);
        List<String> seen = new ArrayList<>();
        for (Entry e : entries) {
            String k = ConfigKeys.canonical(e.key());
            if (seen.contains(k)) {
                problems.add(
                        new ConfigProblem(
                                file.toString(), e.line(), e.key(), "set twice in this file"));
            }
            seen.add(k);
        }
        return new ConfigFile(file, entries, problems);
    }

    private static void flatten(
            Path file,
            String prefix,
            MappingNode m,
            List<Entry> entries,
            List<ConfigProblem> problems) {
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problems.add(
                        new ConfigProblem(
                                file.toString(),
                                line(t.getKeyNode()),
                                prefix,
                                "a key must be text"));
                continue;
            }
            String key = prefix + k.getValue().trim();
            Node v = t.getValueNode();
            if (v instanceof MappingNode inner) {
                flatten(file, key + ".", inner, entries, problems);
            } else if (v instanceof SequenceNode s) {
                List<String> parts = new ArrayList<>();
                for (Node item : s.getValue()) {
                    if (item instanceof ScalarNode sv) {
                        parts.add(sv.getValue().trim());
                    } else {
                        problems.add(
                                new ConfigProblem(
                                        file.toString(),
                                        line(item),
                                        key,
                                        "a list of plain values expected"));
                    }
                }
                entries.add(new Entry(key, String.join(",", parts), line(k)));
            } else if (v instanceof ScalarNode sv) {
                // "key:" with nothing after it leaves the setting at its default.
                if (!"tag:yaml.org,2002:null".equals(sv.getTag().getValue())) {
                    entries.add(new Entry(key, sv.getValue().trim(), line(k)));
                }
            }
        }
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
    }

    /** Java properties, line by line so that each setting keeps its line. */
    static ConfigFile properties(Path file, String text) {
        List<Entry> entries = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            StringBuilder logical = new StringBuilder(lines[i].stripLeading());
            while (endsWithContinuation(logical) && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(lines[++i].stripLeading());
            }
            String l = logical.toString();
            if (l.isBlank() || l.startsWith("#") || l.startsWith("!")) {
                continue;
            }
            int sep = -1;
            for (int j = 0; j < l.length(); j++) {
                char c = l.charAt(j);
                if (c == '\\') {
                    j++;
                } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                    sep = j;
                    break;
                }
            }
            String key = (sep < 0 ? l : l.substring(0, sep)).trim();
            String value = "";
            if (sep >= 0) {
                value = l.substring(sep + 1).trim();
                if (Character.isWhitespace(l.charAt(sep))
                        && (value.startsWith("=") || value.startsWith(":"))) {
                    value = value.substring(1).trim();
                }
            }
            key = unescape(key);
            value = unescape(value);
            String canonical = ConfigKeys.canonical(key);
            if (seen.contains(canonical)) {
                problems.add(
                        new ConfigProblem(file.toString(), lineNo, key, "set twice in this file"));
            }
            seen.add(canonical);
            entries.add(new Entry(key, value, lineNo));
        }
        return new ConfigFile(file, entries, problems);
    }

    private static boolean endsWithContinuation(CharSequence s) {
        int backslashes = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 't' -> b.append('\t');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 < s.length()) {
                            b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                    }
                    default -> b.append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
