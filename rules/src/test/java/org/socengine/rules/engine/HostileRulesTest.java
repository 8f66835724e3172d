package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.library.RuleLinter;
import org.socengine.rules.library.RuleRepository;

/**
 * Every hostile rule under {@code src/test/resources/hostile/any}, one attack per file. Each file
 * says in its header the line and the words lint must refuse it with, and how far it gets when
 * forced past lint: {@code run} (compiled with the engine's Esper configuration and run on events:
 * it must do nothing), {@code esper-refuses} (the configuration alone refuses to compile it),
 * {@code sandbox-only} (Esper alone would let it do harm or hang: every entry point must refuse
 * it), {@code yaml} (refused before any EPL is read). Failures are collected and reported at once.
 */
class HostileRulesTest {

    static final Path HOSTILE = Path.of("src/test/resources/hostile/any");

    private static final Pattern EXPECT = Pattern.compile("(?m)^# expect: (\\d+): (.+)$");
    private static final Pattern FORCED = Pattern.compile("(?m)^# forced: ([a-z-]+)$");

    record Hostile(Path file, int line, String words, String forced) {
        String name() {
            return file.getFileName().toString();
        }
    }

    static List<Hostile> hostiles() throws IOException {
        List<Hostile> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(HOSTILE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                String text = Files.readString(f);
                Matcher e = EXPECT.matcher(text);
                Matcher m = FORCED.matcher(text);
                assertThat(e.find() && m.find())
                        .as(f + " has '# expect:' and '# forced:'")
                        .isTrue();
                out.add(
                        new Hostile(
                                f, Integer.parseInt(e.group(1)), e.group(2).trim(), m.group(1)));
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(70);
        return out;
    }

    @Test
    void lintRefusesEveryHostileRuleAtItsLineWithAClearMessage() throws Exception {
        List<RuleProblem> problems = new RuleLinter().lint(HOSTILE);
        Map<String, List<RuleProblem>> byFile =
                problems.stream()
                        .collect(
                                Collectors.groupingBy(
                                        p -> Path.of(p.file()).getFileName().toString()));
        List<String> offenders = new ArrayList<>();
        for (Hostile h : hostiles()) {
            List<RuleProblem> mine = byFile.getOrDefault(h.name(), List.of());
            boolean found =
                    mine.stream()
                            .anyMatch(p -> p.line() == h.line() && p.message().contains(h.words()));
            if (!found) {
                offenders.add(
                        h.name()
                                + ": expected line "
                                + h.line()
                                + " '"
                                + h.words()
                                + "', lint said: "
                                + mine.stream().map(RuleProblem::toString).toList());
            }
        }
        assertThat(offenders).as(String.join("\n", offenders)).isEmpty();
    }

    @Test
    void everyEntryPointToTheEngineRunsTheSandbox() throws Exception {
        List<String> offenders = new ArrayList<>();
        RuleCompiler compiler = new RuleCompiler();
        for (Hostile h : hostiles()) {
            try {
                RuleDefinition def = RuleParser.parse(h.file());
                compiler.compile(def);
                offenders.add(h.name() + ": compiled");
            } catch (RuleValidationException expected) {
                // Parser or sandbox refused it: no CompiledRule, so no engine can deploy it.
            }
        }
        // An engine deploys only a CompiledRule, and only RuleCompiler (after the sandbox) makes
        // one.
        assertThat(CompiledRule.class.getConstructors()).as("public constructors").isEmpty();
        // ./soc detect and ./soc rules test load through the repository; nothing hostile loads.
        RuleRepository.Loaded loaded = RuleRepository.load(HOSTILE);
        assertThat(loaded.compiled()).as("hostile rules that loaded").isEmpty();
        assertThat(offenders).as(String.join("\n", offenders)).isEmpty();
    }

    @Test
    void forcedPastLintTheyDoNothing(@TempDir Path dir) throws Exception {
        Path canary = Files.writeString(dir.resolve("canary.txt"), "keep me");
        Path pwned = Path.of("/tmp/soc-hostile-pwned");
        Files.deleteIfExists(pwned);
        List<String> offenders = new ArrayList<>();
        int ran = 0;
        int refusedByEsper = 0;
        for (Hostile h : hostiles()) {
            if (!h.forced().equals("run") && !h.forced().equals("esper-refuses")) {
                continue;
            }
            String epl = RuleParser.parse(h.file()).epl();
            EPCompiled compiled;
            try {
                CompilerArguments args = new CompilerArguments(EsperSetup.configuration());
                compiled = EPCompilerProvider.getCompiler().compile(epl, args);
            } catch (EPCompileException e) {
                refusedByEsper++;
                continue;
            }
            if (h.forced().equals("esper-refuses")) {
                offenders.add(h.name() + ": the Esper configuration compiled it");
                continue;
            }
            ran++;
            String effect = runAndWatch(h.name(), compiled, canary, pwned);
            if (effect != null) {
                offenders.add(h.name() + ": " + effect);
            }
        }
        assertThat(offenders).as(String.join("\n", offenders)).isEmpty();
        assertThat(refusedByEsper)
                .as("hostile rules the Esper configuration refuses")
                .isGreaterThan(20);
        assertThat(ran + refusedByEsper).isGreaterThan(50);
    }

    /** Deploys the compiled EPL on its own runtime, feeds events, and reports any side effect. */
    private static String runAndWatch(String name, EPCompiled compiled, Path canary, Path pwned)
            throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        EPRuntime runtime =
                EPRuntimeProvider.getRuntime("hostile-" + name, EsperSetup.configuration());
        List<SecurityEvent> events = new ArrayList<>();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            runtime.getEventService().advanceTime(1_700_000_000_000L);
            try {
                runtime.getDeploymentService().deploy(compiled);
            } catch (Exception e) {
                return null; // refused at deployment: nothing runs
            }
            for (int i = 0; i < 20; i++) {
                SecurityEvent e = new SecurityEvent();
                e.timestamp = 1_700_000_000_000L + i * 60_000L;
                e.ensureEvent().category = "authentication";
                e.event.module = "syslog";
                e.ensureOrganization().id = "dept-a";
                e.ensureUser().name = "a".repeat(40);
                e.ensureSource().ip = "203.0.113." + i;
                e.source.port = 2;
                events.add(e);
                runtime.getEventService().advanceTime(e.timestamp);
                for (Map.Entry<String, java.util.function.Predicate<SecurityEvent>> s :
                        EventStreams.STREAMS.entrySet()) {
                    if (s.getValue().test(e)) {
                        try {
                            runtime.getEventService().sendEventBean(e, s.getKey());
                        } catch (RuntimeException ignored) {
                            // A rule that fails on an event does nothing to it.
                        }
                    }
                }
            }
            runtime.getEventService().advanceTime(1_700_000_000_000L + 3 * 3600_000L);
        } finally {
            System.setOut(out);
            runtime.destroy();
        }
        if (captured.size() > 0) {
            return "printed '" + captured.toString(StandardCharsets.UTF_8) + "'";
        }
        if (!Files.exists(canary) || !Files.readString(canary).equals("keep me")) {
            return "changed the canary file";
        }
        if (Files.exists(pwned)) {
            Files.deleteIfExists(pwned);
            return "created " + pwned;
        }
        for (SecurityEvent e : events) {
            if (!"dept-a".equals(e.organization.id)) {
                return "rewrote organization.id to " + e.organization.id;
            }
        }
        return null;
    }

    @Test
    void aFiftyMegabyteRuleFileIsRefusedUnread(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("any").resolve("execution_huge_rule.yml");
        Files.createDirectories(big.getParent());
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50L * 1024 * 1024);
        }
        long start = System.nanoTime();
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(problems)
                .anyMatch(
                        p ->
                                p.file().endsWith("execution_huge_rule.yml")
                                        && p.line() == 1
                                        && p.message().contains("larger than 262144"));
        assertThatThrownBy(() -> RuleParser.parse(big))
                .isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("larger than");
        // Generous: it is refused from its size on disk, unread; it used to hang lint.
        assertThat(millis).isLessThan(10_000);
    }

    @Test
    void aTenThousandStatementRuleIsRefusedFastAndSmall(@TempDir Path dir) throws Exception {
        StringBuilder epl = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            epl.append("  select 1 from Event;\n");
        }
        String yaml =
                Files.readString(HOSTILE.resolve("impact_deep_nesting.yml"))
                        .replaceFirst("(?s)epl: \\|\\n.*?\\ntriage:", "epl: |\n" + epl + "triage:");
        Path file = dir.resolve("any").resolve("impact_ten_thousand_statements.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        long start = System.nanoTime();
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(problems).anyMatch(p -> p.message().contains("EPL longer than"));
        // Generous: it took 26 s and 740 MB before the caps.
        assertThat(millis).isLessThan(10_000);
    }
}
