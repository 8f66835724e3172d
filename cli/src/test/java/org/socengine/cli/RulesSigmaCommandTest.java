package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./soc rules sigma convert}: the native rule files Sigma rules make, and the refusals. */
class RulesSigmaCommandTest {

    static final String RULE =
            """
            title: Whoami Execution
            id: e28a5a99-da44-436d-b7a0-2afc20a5f413
            status: test
            description: Detects whoami.
            author: Tester
            tags:
                - attack.discovery
                - attack.t1033
            logsource:
                category: process_creation
                product: windows
            detection:
                selection:
                    Image|endswith: '\\whoami.exe'
                condition: selection
            falsepositives:
                - Admins
            level: low
            """;

    @Test
    void convertPrintsTheRuleFileAndRefusesWithTheReason(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("whoami.yml"), RULE);
        CommandRun ok = CommandRun.of("rules", "sigma", "convert", dir.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out())
                .contains("id: \"e28a5a99-da44-436d-b7a0-2afc20a5f413\"")
                .contains("select * from Process(")
                .contains("sigma_basename(process.executable) = 'whoami.exe'");
        assertThat(ok.summary()).isEqualTo("1 Sigma rules converted, 0 refused");

        Files.writeString(
                dir.resolve("broken.yml"),
                RULE.replace("condition: selection", "condition: selection | count() > 2"));
        CommandRun bad = CommandRun.of("rules", "sigma", "convert", dir.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("broken.yml:").contains("aggregation");

        Path out = dir.resolve("out");
        Files.delete(dir.resolve("broken.yml"));
        CommandRun written =
                CommandRun.of("rules", "sigma", "convert", dir.toString(), "--out", out.toString());
        assertThat(written.code()).isZero();
        assertThat(Files.readString(out.resolve("whoami.yml"))).contains("epl: |");
        // The folder of converted files lints as native rules would, and the Sigma one too.
        assertThat(CommandRun.of("rules", "lint", dir.resolve("whoami.yml").toString()).code())
                .isZero();
    }

    @Test
    void theSigmaRuleSetConvertsLintsAndPassesItsFixtureTests() {
        String set = Path.of("..", "rules", "sigma").toString();
        CommandRun convert = CommandRun.of("rules", "sigma", "convert", set);
        assertThat(convert.code()).isZero();
        // Each correlation is a grouped window with the rules it names, found across the files.
        assertThat(convert.out())
                .contains("having count(*) >= 8")
                .contains("having count(distinct user.name) >= 10")
                .contains("suppress: {for: 10m}");
        assertThat(convert.summary()).isEqualTo("6 Sigma rules converted, 0 refused");
        assertThat(CommandRun.of("rules", "lint", set).code()).isZero();
        assertThat(CommandRun.of("rules", "test", set).code()).isZero();
    }
}
