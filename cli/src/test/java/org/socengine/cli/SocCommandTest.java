package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: help everywhere, one-line failures with a non-zero exit. */
class SocCommandTest {

    @Test
    void everySubcommandPrintsHelp() {
        for (String sub : new String[] {"demo", "decode", "detect"}) {
            CommandRun r = CommandRun.of(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out()).as(sub).contains("Usage: soc " + sub);
        }
    }

    /** Every command of {@code ./soc}, the root first, each before its subcommands. */
    private static List<CommandLine> allCommands() {
        List<CommandLine> all = new ArrayList<>();
        Deque<CommandLine> todo = new ArrayDeque<>(List.of(SocCommand.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine cmd = todo.pop();
            all.add(cmd);
            todo.addAll(cmd.getSubcommands().values());
        }
        return all;
    }

    private static List<String> usageLines(CommandLine cmd) {
        return cmd.getUsageMessage().lines().map(String::strip).toList();
    }

    @Test
    void helpKeepsEveryDescriptionLineWhole() {
        List<String> broken = new ArrayList<>();
        for (CommandLine cmd : allCommands()) {
            List<String> usage = usageLines(cmd);
            for (String format : cmd.getCommandSpec().usageMessage().description()) {
                // Picocli formats description lines (%n); so does this check.
                for (String line : String.format(Locale.ROOT, format).lines().toList()) {
                    if (!line.isBlank() && !usage.contains(line.strip())) {
                        broken.add(cmd.getCommandSpec().qualifiedName() + ": " + line);
                    }
                }
            }
        }
        assertThat(broken).as("description lines the help broke in two").isEmpty();
    }

    /**
     * A command list shows each command's first description line beside its name: a first line that
     * goes on in the next one was cut mid-sentence there ("... with --rest and").
     */
    @Test
    void everyCommandListShowsWholeSentences() {
        List<String> cut = new ArrayList<>();
        for (CommandLine cmd : allCommands()) {
            List<String> usage = usageLines(cmd);
            cmd.getSubcommands()
                    .forEach(
                            (name, sub) -> {
                                String[] d = sub.getCommandSpec().usageMessage().description();
                                String first = d.length == 0 ? "" : d[0].strip();
                                boolean shown =
                                        usage.stream()
                                                .anyMatch(
                                                        l ->
                                                                l.startsWith(name + " ")
                                                                        && l.endsWith(first));
                                if (!"help".equals(name) && !(first.endsWith(".") && shown)) {
                                    cut.add(
                                            cmd.getCommandSpec().qualifiedName()
                                                    + " "
                                                    + name
                                                    + ": "
                                                    + first);
                                }
                            });
        }
        assertThat(cut).as("command list lines cut or not a whole sentence").isEmpty();
    }

    /**
     * Options are described in the column beside their names, ~70 characters wide: a description
     * written as several lines was cut at that column and each line wrapped on its own, leaving a
     * word or two on lines of their own ("Adds" / "asset.*" / "fields; ..."). One paragraph per
     * option lets picocli wrap it whole.
     */
    @Test
    void everyOptionIsDescribedInOneParagraph() {
        List<String> split = new ArrayList<>();
        for (CommandLine cmd : allCommands()) {
            List<CommandLine.Model.ArgSpec> args = new ArrayList<>(cmd.getCommandSpec().options());
            args.addAll(cmd.getCommandSpec().positionalParameters());
            for (CommandLine.Model.ArgSpec arg : args) {
                if (arg.description().length > 1) {
                    split.add(cmd.getCommandSpec().qualifiedName() + " " + arg.paramLabel());
                }
            }
        }
        assertThat(split).as("options described in several lines").isEmpty();
    }

    @Test
    void unknownSourceFailsWithOneLine() {
        CommandRun r = CommandRun.of("decode", "--source", "nosuch", "/dev/null");
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("unknown source 'nosuch'");
    }

    @Test
    void runRefusesAClockSkewThatIsNotADurationBeforeTouchingKafka() {
        CommandRun r = CommandRun.of("run", "--max-clock-skew", "an hour");
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains("--max-clock-skew / job.max_clock_skew: not a duration: 'an hour'");
    }

    @Test
    void demoRefusesADurationItCannotRun() {
        CommandRun r = CommandRun.of("demo", "--duration", "10s");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("at least 60s");
    }

    @Test
    void detectReplaysAFileAndPrintsTheAlertAsJson(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sb.append("<38>Nov 20 01:00:")
                    .append(String.format("%02d", i * 3))
                    .append(
                            " yt-portal-01 sshd[42]: Failed password for root from 203.0.113.200 port ")
                    .append(40000 + i)
                    .append(" ssh2\n");
        }
        Path log = dir.resolve("auth.log");
        Files.writeString(log, sb.toString());
        CommandRun r =
                CommandRun.of(
                        "detect",
                        "--no-rule-cache",
                        "--source",
                        "syslog",
                        "--year",
                        "2026",
                        "--department",
                        "so-yt",
                        "--rules",
                        "../rules/detections",
                        log.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains("\"203.0.113.200\"")).count())
                .isEqualTo(1);
        assertThat(r.err()).contains("replayed 9 records, 1 alerts");
    }
}
