package org.socengine.rules.sigma;

import java.util.ArrayList;
import java.util.List;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One YAML document of a Sigma file: a file may hold a correlation and the rules it names,
 * separated by {@code ---}. Each document is composed as strictly as a rule file, with the line
 * numbers of the whole file. A document that {@code ./soc rules deploy} copied in from another file
 * of the rule set starts with {@link #FROM} and that file's name, and counts as that file's.
 */
record SigmaDocument(String file, MappingNode map, int line, String text) {

    /** First line of a document copied from another file: {@code # sigma-rule-set: FILE}. */
    static final String FROM = "# sigma-rule-set: ";

    static List<SigmaDocument> split(String file, String yaml) throws RuleValidationException {
        String[] lines = yaml.split("\n", -1);
        List<SigmaDocument> out = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            boolean end = i == lines.length || lines[i].stripTrailing().equals("---");
            if (!end) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            boolean content = false;
            String origin = file;
            for (int j = start; j < i; j++) {
                String l = lines[j];
                if (!content && l.startsWith(FROM)) {
                    origin = l.substring(FROM.length()).strip();
                }
                if (!l.isBlank() && !l.stripLeading().startsWith("#")) {
                    content = true;
                }
                text.append(l).append('\n');
            }
            if (content) {
                // Padded with the lines before it, so that problems name the file's own lines.
                String padded = "\n".repeat(start) + text;
                try {
                    Node root = RuleParser.compose(origin, padded);
                    if (root instanceof MappingNode m) {
                        out.add(new SigmaDocument(origin, m, start + 1, text.toString()));
                    } else {
                        problems.add(
                                new RuleProblem(
                                        origin, start + 1, "a Sigma rule must be a YAML mapping"));
                    }
                } catch (RuleValidationException e) {
                    problems.addAll(e.problems());
                }
            }
            start = i + 1;
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        if (out.isEmpty()) {
            throw new RuleValidationException(
                    new RuleProblem(file, 1, "a Sigma rule must be a YAML mapping"));
        }
        return out;
    }

    boolean has(String key) {
        return value(key) != null;
    }

    Node value(String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    String scalar(String key) {
        return value(key) instanceof ScalarNode s ? s.getValue() : null;
    }

    int line(String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getKeyNode().getStartMark().getLine() + 1;
            }
        }
        return line;
    }
}
