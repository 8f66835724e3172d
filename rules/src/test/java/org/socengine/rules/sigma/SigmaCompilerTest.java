package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleTestRunner;

/** What Sigma's modifiers, wildcards and conditions match once compiled and run by the engine. */
class SigmaCompilerTest {

    private static final long T0 = 1_795_608_000_000L;
    private final SigmaCompiler sigma = new SigmaCompiler();
    private final RuleCompiler compiler = new RuleCompiler();

    private static String rule(String detection) {
        return """
                title: Test rule
                id: 6f1c7c43-58b4-4c2b-9d6e-3a1a2f6f0e01
                status: test
                description: A rule under test.
                references:
                    - https://example.org/ref
                author: Tester
                tags:
                    - attack.execution
                    - attack.t1059.001
                logsource:
                    product: windows
                    category: process_creation
                detection:
                """
                + detection.indent(4)
                + """
                falsepositives:
                    - Admin scripts
                level: high
                """;
    }

    private CompiledRule compile(String detection) throws RuleValidationException {
        return compiler.compile(sigma.compile("test.yml", rule(detection)));
    }

    private static SecurityEvent process(String image, String commandLine, String... fields) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.module = "winlog";
        ev.category = "process";
        ev.action = "process_created";
        ev.code = "1";
        e.ensureHost().name = "pc-1";
        if (image != null) {
            e.ensureProcess().executable = image;
        }
        if (commandLine != null) {
            e.ensureProcess().command_line = commandLine;
        }
        for (int i = 0; i + 1 < fields.length; i += 2) {
            e.field(fields[i], fields[i + 1]);
        }
        return e;
    }

    /** Which of the events the rule matches, each on its own. */
    private List<Boolean> matches(String detection, SecurityEvent... events)
            throws RuleValidationException {
        CompiledRule r = compile(detection);
        List<Boolean> out = new ArrayList<>();
        for (SecurityEvent e : events) {
            out.add(!RuleTestRunner.replay(r, List.of(e)).isEmpty());
        }
        return out;
    }

    private String refusal(String detection) {
        try {
            compile(detection);
        } catch (RuleValidationException e) {
            return e.getMessage();
        }
        throw new AssertionError("compiled: " + detection);
    }

    @Test
    void stringMatchingIgnoresCaseAndModifiersPlaceWildcards() throws Exception {
        String d =
                """
                selection:
                    Image|endswith: '\\powershell.exe'
                    CommandLine|contains: 'EncodedCommand'
                condition: selection
                """;
        assertThat(
                        matches(
                                d,
                                process(
                                        "C:\\Windows\\POWERSHELL.EXE",
                                        "powershell -encodedcommand AAA"),
                                process("C:\\Windows\\powershell.exe.bak", "-EncodedCommand"),
                                process("C:\\Windows\\powershell.exe", "-enc AAA")))
                .containsExactly(true, false, false);
    }

    @Test
    void wildcardsAndEscapes() throws Exception {
        String d =
                """
                selection:
                    CommandLine:
                        - 'net user * /add'
                        - 'lit\\*eral'
                        - 'a?c'
                condition: selection
                """;
        assertThat(
                        matches(
                                d,
                                process("x", "NET USER bob /ADD"),
                                process("x", "lit*eral"),
                                process("x", "litXeral"),
                                process("x", "abc"),
                                process("x", "abbc")))
                .containsExactly(true, true, false, true, false);
    }

    @Test
    void allWindashAndStartswith() throws Exception {
        String d =
                """
                selection:
                    CommandLine|windash|contains|all:
                        - ' -nop '
                        - ' -w hidden '
                condition: selection
                """;
        assertThat(
                        matches(
                                d,
                                process("x", "ps /nop /w hidden -c x"),
                                process("x", "ps \u2013nop -w hidden x"),
                                process("x", "ps -nop x")))
                .containsExactly(true, true, false);
    }

    @Test
    void base64offsetAndWide() throws Exception {
        // "IEX" base64 at the three offsets, and UTF-16LE as PowerShell -EncodedCommand has it.
        String d =
                """
                plain:
                    CommandLine|base64offset|contains: 'Invoke-Expression'
                wide:
                    CommandLine|wide|base64offset|contains: 'IEX ('
                condition: 1 of them
                """;
        String b64 =
                java.util.Base64.getEncoder().encodeToString("xxInvoke-Expression yy".getBytes());
        String wide =
                java.util.Base64.getEncoder()
                        .encodeToString(
                                "$a; IEX (New-Object Net.WebClient)"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        assertThat(
                        matches(
                                d,
                                process("x", "powershell -e " + b64),
                                process("x", "powershell -enc " + wide),
                                process("x", "powershell -enc SGVsbG8=")))
                .containsExactly(true, true, false);
    }

    @Test
    void regexCidrNumbersNullsAndExists() throws Exception {
        String d =
                """
                re:
                    CommandLine|re|i: 'invoke-(web)?request\\s+http'
                net:
                    IpAddress|cidr: '10.0.0.0/8'
                big:
                    ProcessId|gte: 1000
                noparent:
                    ParentCommandLine: null
                hashes:
                    Hashes|exists: true
                condition: re or net or (big and noparent) or hashes
                """;
        SecurityEvent withParent = process("x", "y", "ProcessId", "4242");
        withParent.ensureProcess().ensureParent().command_line = "explorer.exe";
        assertThat(
                        matches(
                                d,
                                process("x", "INVOKE-WEBREQUEST   http://a"),
                                process("x", "y", "IpAddress", "10.2.3.4"),
                                process("x", "y", "IpAddress", "11.2.3.4"),
                                process("x", "y", "ProcessId", "4242"),
                                withParent,
                                process("x", "y", "Hashes", "SHA1=00")))
                .containsExactly(true, true, false, true, false, true);
    }

    @Test
    void notReadsAbsentFieldsAsNoMatch() throws Exception {
        String d =
                """
                selection:
                    Image|endswith: '\\cmd.exe'
                filter:
                    ParentImage|endswith: '\\explorer.exe'
                condition: selection and not filter
                """;
        SecurityEvent fromExplorer = process("C:\\cmd.exe", "cmd");
        fromExplorer.ensureProcess().ensureParent().executable = "C:\\Windows\\explorer.exe";
        assertThat(matches(d, process("C:\\cmd.exe", "cmd"), fromExplorer))
                .containsExactly(true, false);
    }

    @Test
    void conditionsOfSearchesAndThem() throws Exception {
        String d =
                """
                sel_a:
                    CommandLine|contains: 'alpha'
                sel_b:
                    CommandLine|contains: 'beta'
                _helper:
                    CommandLine|contains: 'gamma'
                condition: 2 of sel_* or (all of them and not 1 of sel_*)
                """;
        assertThat(
                        matches(
                                d,
                                process("x", "alpha beta"),
                                process("x", "alpha"),
                                process("x", "gamma")))
                .containsExactly(true, false, false);
        String all =
                """
                sel_a:
                    CommandLine|contains: 'alpha'
                _helper:
                    CommandLine|contains: 'gamma'
                condition: all of them
                """;
        // 'them' leaves out searches whose name starts with an underscore.
        assertThat(matches(all, process("x", "alpha"))).containsExactly(true);
    }

    @Test
    void fieldrefAndCased() throws Exception {
        String d =
                """
                same:
                    ParentImage|fieldref: Image
                cased:
                    CommandLine|cased: 'ExactCase'
                condition: same or cased
                """;
        SecurityEvent self = process("C:\\a.exe", "y");
        self.ensureProcess().ensureParent().executable = "c:\\A.EXE";
        assertThat(matches(d, self, process("x", "ExactCase"), process("x", "exactcase")))
                .containsExactly(true, true, false);
    }

    @Test
    void eachConstructThatCannotBeCompiledIsRefusedWithItsReason() {
        assertThat(refusal("sel:\n    CommandLine|foo: x\ncondition: sel\n"))
                .contains("modifier 'foo'");
        assertThat(refusal("sel:\n    CommandLine: x\ncondition: sel | count() > 5\n"))
                .contains("aggregation");
        assertThat(refusal("sel:\n    CommandLine: x\ncondition: sel and other\n"))
                .contains("'other', which is not a search");
        assertThat(refusal("sel:\n    CommandLine|re: '(?=x)a'\ncondition: sel\n"))
                .contains("not RE2 syntax");
        assertThat(refusal("sel:\n    CommandLine|expand: '%nope%'\ncondition: sel\n"))
                .contains("placeholder %nope%");
        assertThat(refusal("sel:\n    CommandLine|wide: 'x'\ncondition: sel\n"))
                .contains("base64-encoded");
        assertThatThrownBy(
                        () ->
                                sigma.compile(
                                        "x.yml",
                                        rule("sel:\n    A: 1\ncondition: sel\n")
                                                .replace("product: windows", "product: plc")))
                .isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("has no stream in sigma/mapping.yml");
        assertThatThrownBy(
                        () ->
                                sigma.compile(
                                        "x.yml",
                                        rule("sel:\n    A: 1\n    A: 2\ncondition: sel\n")))
                .hasMessageContaining("duplicate key 'A'");
    }

    @Test
    void sigmaMetadataBecomesTheRulesAndTheAlertsOwn() throws Exception {
        RuleDefinition def =
                sigma.compile(
                        "t.yml", rule("sel:\n    CommandLine|contains: whoami\ncondition: sel\n"));
        assertThat(def.id()).isEqualTo("6f1c7c43-58b4-4c2b-9d6e-3a1a2f6f0e01");
        assertThat(def.name()).isEqualTo("Test rule");
        assertThat(def.severity()).isEqualTo("high");
        assertThat(def.riskScore()).isEqualTo(73);
        assertThat(def.tags()).containsExactly("attack.execution", "attack.t1059.001");
        assertThat(def.references()).containsExactly("https://example.org/ref");
        assertThat(def.falsePositives()).containsExactly("Admin scripts");
        assertThat(def.description()).contains("by Tester").contains("DRL");
        assertThat(def.epl()).startsWith("select * from Process(");
        List<Alert> alerts =
                RuleTestRunner.replay(compiler.compile(def), List.of(process("x", "WHOAMI /all")));
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.ruleId).isEqualTo(def.id());
        assertThat(a.severity).isEqualTo("high");
        assertThat(a.tags).contains("attack.t1059.001");
        assertThat(a.details)
                .containsAllEntriesOf(
                        Map.of(
                                "rule.reference", "https://example.org/ref",
                                "rule.false_positives", "Admin scripts",
                                "rule.source", "sigma"));
    }
}
