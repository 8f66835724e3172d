package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded {@code soc.jar} is what {@code ./soc} runs; unit tests run on Maven's class path,
 * where the order of jars differs and a clash between two jars' copies of a class cannot show. This
 * runs the jar the build just made, in its own JVM, over the rule library and a SigmaHQ rule (the
 * Sigma mapping builds a SnakeYAML object, which a multi-release entry of flink-shaded-jackson once
 * broke only in the shaded jar).
 */
class ShadedJarITCase {

    private static final Path JAR = Path.of("target", "soc.jar");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theShadedJarLintsTheRuleLibrary() throws Exception {
        Result r = run("rules", "lint", ROOT.resolve("rules/detections").toString());
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).doesNotContain("wrong name", "NoClassDefFoundError");
    }

    @Test
    void theShadedJarConvertsASigmaRule() throws Exception {
        Path sigma =
                ROOT.resolve(
                        "testdata/sigmahq/rules/web/webserver_generic/web_webshell_regeorg.yml");
        Result r = run("rules", "sigma", "convert", sigma.toString());
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).doesNotContain("wrong name", "NoClassDefFoundError");
    }

    /**
     * {@code ./soc} runs the commands that run the jobs for long with Esper's generated code left
     * to C1 ({@code config/jvm/esper-generated-code.json}): the JVM accepts the directives file,
     * and its message about them goes to stderr, so stdout stays the command's own (NDJSON
     * elsewhere).
     */
    @Test
    void theScriptLeavesEspersGeneratedCodeToC1WithStdoutLeftToTheCommand() throws Exception {
        String vm = System.getProperty("java.vm.name", "");
        boolean hotSpot = vm.contains("OpenJDK") || vm.contains("HotSpot");
        for (String command : List.of("bench", "run", "demo", "detect")) {
            ProcessBuilder pb =
                    new ProcessBuilder("bash", ROOT.resolve("soc").toString(), command, "--help");
            pb.environment().put("SOC_SKIP_BUILD", "1");
            pb.environment().put("SOC_CDS", "0");
            pb.environment().remove("SOC_JAVA_OPTS");
            pb.environment().remove("SOC_JIT_DIRECTIVES");
            File out = Files.createTempFile("soc-script", ".out").toFile();
            File err = Files.createTempFile("soc-script", ".err").toFile();
            Process p = pb.redirectOutput(out).redirectError(err).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("./soc " + command + " --help did not end");
            }
            String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            String stderr = Files.readString(err.toPath(), StandardCharsets.UTF_8);
            Files.delete(out.toPath());
            Files.delete(err.toPath());
            assertThat(p.exitValue()).as(command + ": " + stderr).isZero();
            assertThat(stdout).as(command).startsWith("Usage: soc " + command + " ");
            if (hotSpot) {
                assertThat(stderr.contains("compiler directives added"))
                        .as(command + ": " + stderr)
                        .isEqualTo(!command.equals("detect"));
            }
        }
    }

    private static Result run(String... args) throws Exception {
        assertThat(JAR).exists();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        File out = Files.createTempFile("soc-jar", ".log").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("soc.jar " + String.join(" ", args) + " did not end");
        }
        String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        Files.delete(out.toPath());
        return new Result(p.exitValue(), output);
    }

    private record Result(int exit, String output) {}
}
