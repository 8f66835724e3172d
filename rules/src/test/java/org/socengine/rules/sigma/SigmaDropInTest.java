package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.library.RuleLinter;
import org.socengine.rules.library.RuleRepository;

/** A Sigma file in the rules folder is read, linted and compiled like a native rule file. */
class SigmaDropInTest {

    static final Path LSASS =
            SigmaSamples.root()
                    .resolve("rules/windows/process_access/proc_access_win_lsass_memdump.yml");

    @Test
    void aSigmaFileBesideNativeRulesLintsAndCompiles(@TempDir Path dir) throws Exception {
        Path winlog = Files.createDirectories(dir.resolve("winlog"));
        Path sigmaFile = winlog.resolve("proc_access_win_lsass_memdump.yml");
        Files.copy(LSASS, sigmaFile);
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        assertThat(problems).isEmpty();
        RuleRepository.Loaded loaded = RuleRepository.load(dir);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.compiled()).hasSize(1);
        RuleDefinition def = loaded.compiled().get(0).definition();
        assertThat(def.id()).isEqualTo("5ef9853e-4d0e-4a70-846f-a9ca37d876da");
        assertThat(def.reads()).containsExactly("winlog");
    }

    @Test
    void aBrokenSigmaFileIsReportedWithLineAndReason(@TempDir Path dir) throws Exception {
        String yaml =
                Files.readString(LSASS)
                        .replace(
                                "condition: selection and",
                                "condition: selection | count() > 3 and");
        Path f = dir.resolve("broken.yml");
        Files.writeString(f, yaml);
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).contains("aggregation");
        assertThat(problems.get(0).line()).isGreaterThan(1);
        assertThat(RuleRepository.load(dir).compiled()).isEmpty();
    }

    @Test
    void theRuleParserHandsSigmaToTheSigmaCompiler() throws Exception {
        // The same entry point reads rule files from disk and from soc.rules (hot reload).
        RuleDefinition def = RuleParser.parse("soc.rules/x", Files.readString(LSASS));
        assertThat(def.epl()).contains("sigma_match");
        assertThat(NativeRuleWriter.write(def))
                .startsWith("id: \"5ef9853e-4d0e-4a70-846f-a9ca37d876da\"");
        // What convert prints is itself a native rule file.
        RuleDefinition back = RuleParser.parse("converted.yml", NativeRuleWriter.write(def));
        assertThat(back.epl()).isEqualTo(def.epl());
        assertThat(back.references()).isEqualTo(def.references());
    }
}
