package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.windows.EventXmlJsonDocuments;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleTestRunner;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * SigmaHQ's own regression tests, as they are: each folder's events (Windows event XML rendered as
 * JSON) go through the Windows decoder, its rule through the Sigma compiler and the sandbox, and
 * both through the detection engine on event time (external timer); the alerts must number what
 * {@code info.yml} says ({@code match_count}, or at least one where it says none). Target: 95 %.
 * The report ({@code target/sigma-regression-report.md}) gives the pass rate by log source and
 * every failure with its reason.
 */
class SigmaRegressionTest {

    private static final long NOW = 1_795_608_000_000L;

    /** One folder's result; {@code decoded} false when the engine decodes no such log source. */
    record Outcome(String folder, String category, boolean passed, boolean decoded, String why) {
        Outcome(String folder, String category, boolean passed, String why) {
            this(folder, category, passed, true, why);
        }
    }

    @Test
    void sigmaHqRegressionTestsGiveTheExpectedMatchCounts() throws IOException {
        Path data = SigmaSamples.root().resolve("regression_data");
        List<Path> infos = SigmaSamples.files(data, "info.yml");
        assertThat(infos).hasSizeGreaterThanOrEqualTo(150);
        SigmaCompiler sigma = new SigmaCompiler();
        RuleCompiler compiler = new RuleCompiler();
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Path> rulesById = rulesById();
        for (Path info : infos) {
            outcomes.add(run(data, info, sigma, compiler, decoder, rulesById));
        }
        Map<String, int[]> byCategory = new TreeMap<>();
        int passed = 0;
        List<Outcome> notDecoded = outcomes.stream().filter(o -> !o.decoded()).toList();
        outcomes = outcomes.stream().filter(Outcome::decoded).toList();
        for (Outcome o : outcomes) {
            int[] c = byCategory.computeIfAbsent(o.category(), k -> new int[2]);
            c[1]++;
            if (o.passed()) {
                c[0]++;
                passed++;
            }
        }
        double rate = 100.0 * passed / outcomes.size();
        StringBuilder report = new StringBuilder("# SigmaHQ regression tests\n\n");
        report.append(String.format("%d of %d pass: %.1f %%%n%n", passed, outcomes.size(), rate));
        report.append("| log source | passed | tests | rate |\n| --- | ---: | ---: | ---: |\n");
        for (Map.Entry<String, int[]> e : byCategory.entrySet()) {
            int[] c = e.getValue();
            report.append(
                    String.format(
                            "| %s | %d | %d | %.1f %% |%n",
                            e.getKey(), c[0], c[1], 100.0 * c[0] / c[1]));
        }
        report.append("\n## Not counted: log sources the engine does not decode\n\n");
        for (Outcome o : notDecoded) {
            report.append("- ").append(o.folder()).append(": ").append(o.why()).append('\n');
        }
        report.append("\n## Failures\n\n");
        for (Outcome o : outcomes) {
            if (!o.passed()) {
                report.append("- ").append(o.folder()).append(": ").append(o.why()).append('\n');
            }
        }
        Files.writeString(SigmaSamples.report("sigma-regression-report.md"), report);
        System.out.printf("sigma regression: %d/%d = %.1f %%%n", passed, outcomes.size(), rate);
        assertThat(rate)
                .as("regression pass rate; see target/sigma-regression-report.md")
                .isGreaterThanOrEqualTo(95.0);
    }

    @SuppressWarnings("unchecked")
    private static Outcome run(
            Path data,
            Path info,
            SigmaCompiler sigma,
            RuleCompiler compiler,
            RecordDecoder decoder,
            Map<String, Path> rulesById)
            throws IOException {
        Path dir = info.getParent();
        String folder = data.relativize(dir).toString();
        Map<String, Object> meta = load(info);
        List<Path> ruleFiles =
                SigmaSamples.files(dir, ".yml").stream()
                        .filter(p -> !p.getFileName().toString().equals("info.yml"))
                        .toList();
        if (ruleFiles.isEmpty()) {
            // A few folders hold only events: their rule is in the rule tree, under its id.
            List<Map<String, Object>> rm =
                    (List<Map<String, Object>>) meta.getOrDefault("rule_metadata", List.of());
            Path byId = rm.isEmpty() ? null : rulesById.get(String.valueOf(rm.get(0).get("id")));
            ruleFiles = byId == null ? List.of() : List.of(byId);
        }
        if (ruleFiles.size() != 1) {
            return new Outcome(folder, "?", false, "expected one rule file, found " + ruleFiles);
        }
        String yaml = Files.readString(ruleFiles.get(0), StandardCharsets.UTF_8);
        String category = category(load(ruleFiles.get(0)));
        CompiledRule rule;
        try {
            rule = compiler.compile(sigma.compile(ruleFiles.get(0).toString(), yaml));
        } catch (RuleValidationException e) {
            boolean decoded =
                    e.problems().stream()
                            .noneMatch(p -> p.message().contains("the engine decodes no such"));
            return new Outcome(folder, category, false, decoded, "refused: " + e.problems());
        }
        List<Map<String, Object>> tests =
                (List<Map<String, Object>>) meta.getOrDefault("regression_tests_info", List.of());
        if (tests.isEmpty()) {
            return new Outcome(folder, category, false, "info.yml lists no test");
        }
        List<String> why = new ArrayList<>();
        boolean ok = true;
        for (Map<String, Object> t : tests) {
            String path = String.valueOf(t.get("path"));
            String json = Path.of(path).getFileName().toString().replaceAll("\\.evtx$", ".json");
            Path events = dir.resolve(json);
            if (!Files.exists(events)) {
                ok = false;
                why.add("no " + json);
                continue;
            }
            List<SecurityEvent> decoded = new ArrayList<>();
            for (String r :
                    EventXmlJsonDocuments.records(
                            Files.readString(events, StandardCharsets.UTF_8))) {
                RawRecord raw = RawRecord.of("winlog", r);
                raw.kafkaTimestamp = NOW;
                RecordDecoder.Outcome o = decoder.decode(raw, NOW);
                if (o.event() == null) {
                    ok = false;
                    why.add("dead letter: " + o.deadLetter().reasonCode);
                } else {
                    decoded.add(o.event());
                }
            }
            List<Alert> alerts = RuleTestRunner.replay(rule, decoded);
            // The engine folds repeats of one rule on one host within its suppression period
            // into one alert and counts them: each is a Sigma match.
            long matches = alerts.stream().mapToLong(a -> 1 + a.suppressedCount).sum();
            Object expected = t.get("match_count");
            boolean good =
                    expected == null ? matches > 0 : matches == ((Number) expected).intValue();
            if (!good) {
                ok = false;
                why.add(
                        "expected "
                                + (expected == null ? "at least 1" : expected)
                                + " match(es) from "
                                + decoded.size()
                                + " event(s), got "
                                + matches
                                + "; EPL: "
                                + rule.definition().epl().replace('\n', ' '));
            }
        }
        return new Outcome(folder, category, ok, String.join("; ", why));
    }

    private static Map<String, Path> rulesById() throws IOException {
        Map<String, Path> out = new java.util.HashMap<>();
        for (Path f : SigmaSamples.files(SigmaSamples.root().resolve("rules"), ".yml")) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.startsWith("id: ")) {
                    out.put(line.substring(4).strip(), f);
                    break;
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String category(Map<String, Object> rule) {
        Map<String, Object> ls = (Map<String, Object>) rule.getOrDefault("logsource", Map.of());
        Object c = ls.get("category");
        if (c == null) {
            c = ls.get("service");
        }
        return ls.get("product") + "/" + c;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(file, StandardCharsets.UTF_8));
    }
}
