package org.socengine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.socengine.connectors.config.ConfigCheck;
import org.socengine.connectors.config.ConfigFile;
import org.socengine.connectors.config.ConfigKey;
import org.socengine.connectors.config.ConfigKeys;
import org.socengine.connectors.config.ConfigProblem;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.secrets.Redaction;
import org.socengine.jobs.detection.DetectionJobSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Check the configuration file (docs/configuration.md lists every key).",
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Check a configuration file and the SOC_* variables that override it.",
                "",
                "Reports unknown keys (with the nearest known key), values of the wrong kind, files that",
                "are missing or unreadable, then what the detection job makes of the whole (departments,",
                "assets, trust policy). One line per problem, 'file:line: key: message'; exit 1 if any."
            })
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "soc.yml (or an older .properties file)")
        Path file;

        @Option(names = "--json", description = "One JSON object per problem (NDJSON).")
        boolean json;

        @Option(
                names = "--no-env",
                description = "Check the file alone, without this shell's SOC_* variables.")
        boolean noEnv;

        @Override
        public Integer call() throws Exception {
            Map<String, String> env = noEnv ? Map.of() : System.getenv();
            List<ConfigProblem> problems;
            List<ConfigFile.Entry> entries = List.of();
            try {
                problems = new ArrayList<>(ConfigCheck.check(file, env));
                entries = ConfigFile.read(file).entries();
            } catch (java.io.IOException e) {
                throw new CliFailure(e.getMessage());
            }
            if (problems.isEmpty()) {
                problems.addAll(whole(entries, env));
            }
            for (ConfigProblem p : problems) {
                System.out.println(json ? p.toJson() : p.format());
            }
            if (!problems.isEmpty()) {
                System.err.println("soc config check: " + problems.size() + " problem(s)");
                return 1;
            }
            System.err.println(
                    "soc config check: " + file + " ok (" + entries.size() + " settings)");
            return 0;
        }

        /**
         * What only the whole configuration shows (the department directory's content, the trust
         * policy's topics), placed on the line of the key the message names.
         */
        private List<ConfigProblem> whole(List<ConfigFile.Entry> entries, Map<String, String> env) {
            try {
                DetectionJobSettings.from(SocConfig.load(file, env));
                return List.of();
            } catch (java.io.IOException | IllegalArgumentException e) {
                String message = Redaction.text(e.getMessage());
                for (ConfigFile.Entry entry : entries) {
                    if (message.startsWith(entry.key())) {
                        String rest =
                                message.substring(entry.key().length())
                                        .replaceFirst("^[:\\s]+", "");
                        return List.of(
                                new ConfigProblem(
                                        file.toString(), entry.line(), entry.key(), rest));
                    }
                }
                String key =
                        ConfigKeys.all().stream()
                                .map(ConfigKey::name)
                                .filter(message::startsWith)
                                .findFirst()
                                .orElse("");
                return List.of(new ConfigProblem(file.toString(), 0, key, message));
            }
        }
    }
}
