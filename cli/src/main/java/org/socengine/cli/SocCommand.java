package org.socengine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./soc}: the engine's command line. */
@Command(
        name = "soc",
        mixinStandardHelpOptions = true,
        versionProvider = SocCommand.Version.class,
        description = "SOC event-processing engine: Kafka → Flink → Esper rules → Elasticsearch.",
        subcommands = {
            DemoCommand.class,
            BenchCommand.class,
            DecodeCommand.class,
            DetectCommand.class,
            RulesCommand.class,
            IntelCommand.class,
            AlertsCommand.class,
            IncidentsCommand.class,
            ConsoleCommand.class,
            RunCommand.class,
            SavepointCommand.class,
            StopCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SocCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** The width help is laid out in: the commands' descriptions are written in lines of it. */
    static final int HELP_WIDTH = 100;

    /**
     * The command hierarchy as {@code ./soc} runs it. Help at picocli's default 80 columns broke
     * every description line longer than that in two, mid-sentence.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SocCommand());
        cl.setUsageHelpWidth(HELP_WIDTH);
        return cl;
    }

    /** Runs a command line; failures print one line ({@code soc: <reason>}) and return non-zero. */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        cl.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    // Messages of libraries may quote a URL or a setting as given.
                    String msg =
                            ex.getMessage() == null
                                    ? ex.getClass().getSimpleName()
                                    : org.socengine.connectors.secrets.Redaction.text(
                                            ex.getMessage());
                    cmd.getErr()
                            .println(
                                    "soc "
                                            + cmd.getCommandName()
                                            + ": "
                                            + msg.lines().findFirst().orElse(msg));
                    if (System.getenv("SOC_DEBUG") != null) {
                        java.io.StringWriter trace = new java.io.StringWriter();
                        ex.printStackTrace(new java.io.PrintWriter(trace));
                        cmd.getErr()
                                .print(
                                        org.socengine.connectors.secrets.Redaction.text(
                                                trace.toString()));
                    }
                    return ex instanceof CliFailure f ? f.exitCode() : 1;
                });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Package p = SocCommand.class.getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return new String[] {"soc " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
