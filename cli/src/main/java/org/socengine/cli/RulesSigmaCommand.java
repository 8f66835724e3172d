package org.socengine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleRepository;
import org.socengine.rules.sigma.NativeRuleWriter;
import org.socengine.rules.sigma.SigmaCompiler;
import org.socengine.rules.sigma.SigmaRuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sigma",
        mixinStandardHelpOptions = true,
        description = "Sigma rules: see what the engine makes of them.",
        subcommands = {RulesSigmaCommand.Convert.class})
public final class RulesSigmaCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "convert",
            mixinStandardHelpOptions = true,
            description = {
                "Print the engine rule file (EPL) each Sigma rule compiles to.",
                "",
                "Each rule also passes the sandbox and Esper's compiler, as a deployed rule would.",
                "A rule that cannot be compiled is reported as file:line: construct and reason."
            })
    static final class Convert implements Callable<Integer> {
        @Parameters(paramLabel = "FILE|DIR", description = "A Sigma rule file or a folder of them.")
        Path path;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Write each rule file into DIR (same file name) instead of printing.")
        Path out;

        @Override
        public Integer call() {
            if (!Files.exists(path)) {
                throw new CliFailure("no such file or folder: " + path);
            }
            List<Path> files;
            try {
                files = RuleRepository.ruleFiles(path);
            } catch (IOException e) {
                throw new CliFailure("cannot read " + path + ": " + e.getMessage());
            }
            SigmaCompiler sigma = new SigmaCompiler();
            RuleCompiler compiler = new RuleCompiler();
            int converted = 0;
            int refused = 0;
            for (Path f : files) {
                String yaml;
                try {
                    yaml = Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    System.err.println(f + ":1: cannot read: " + e.getMessage());
                    refused++;
                    continue;
                }
                if (!SigmaCompiler.isSigma(yaml)) {
                    continue;
                }
                try {
                    RuleDefinition def =
                            sigma.compile(
                                    f.toString(),
                                    yaml,
                                    SigmaRuleSet.of(
                                            Files.isDirectory(path)
                                                    ? path
                                                    : f.toAbsolutePath().getParent()));
                    compiler.compile(def);
                    String text = NativeRuleWriter.write(def);
                    if (out != null) {
                        Files.createDirectories(out);
                        Files.writeString(out.resolve(f.getFileName()), text);
                    } else {
                        System.out.println("# " + f);
                        System.out.print(text);
                        System.out.println("---");
                    }
                    converted++;
                } catch (RuleValidationException e) {
                    for (RuleProblem p : e.problems()) {
                        System.err.println(p);
                    }
                    refused++;
                } catch (IOException e) {
                    throw new CliFailure("cannot write into " + out + ": " + e.getMessage());
                }
            }
            System.err.println(converted + " Sigma rules converted, " + refused + " refused");
            if (refused > 0) {
                throw new CliFailure(refused + " Sigma rule(s) cannot be compiled");
            }
            return 0;
        }
    }
}
