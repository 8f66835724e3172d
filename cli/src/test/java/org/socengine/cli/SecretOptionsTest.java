package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Secrets reach the command line only as file names: no visible option takes a secret's value, none
 * shows a default for one in {@code --help}, the old value options are refused with a pointer to
 * the file and environment forms, and a password file or credentials in a URL are really used (a
 * loopback server records what arrives) but never printed.
 */
class SecretOptionsTest {

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|passwd|api-key|apikey|secret|token|credential).*");

    private static List<CommandLine> allCommands() {
        List<CommandLine> out = new ArrayList<>();
        collect(new CommandLine(new SocCommand()), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().forEach(s -> collect(s, out));
    }

    @Test
    void noVisibleOptionTakesASecretAndNoneShowsADefaultForOne() {
        int secretOptions = 0;
        for (CommandLine cl : allCommands()) {
            CommandSpec spec = cl.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                if (!SECRET_NAME.matcher(o.longestName()).matches()) {
                    continue;
                }
                secretOptions++;
                String where = spec.qualifiedName() + " " + o.longestName();
                assertThat(o.defaultValue()).as(where + " has no default").isNull();
                if (!o.hidden()) {
                    assertThat(o.longestName()).as(where + " names a file").endsWith("-file");
                }
            }
            String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(help)
                    .as(spec.qualifiedName() + " --help")
                    .doesNotContainPattern("--es-password[ =]")
                    .doesNotContainPattern("--es-api-key[ =]");
        }
        assertThat(secretOptions).as("the alerts commands' secret options were found").isPositive();
        String searchHelp =
                new CommandLine(new SocCommand())
                        .getSubcommands()
                        .get("alerts")
                        .getSubcommands()
                        .get("search")
                        .getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(searchHelp)
                .contains("--es-password-file", "--es-api-key-file", "SOC_ES_PASSWORD");
    }

    @Test
    void aSecretGivenAsAnOptionValueIsRefusedWithTheWayToDoIt() {
        String secret = "Typed-0n-the-command-line";
        CommandRun pw =
                CommandRun.of(
                        "alerts",
                        "search",
                        "--es-user",
                        "soc",
                        "--es-password",
                        secret,
                        "--es-url",
                        "http://127.0.0.1:1");
        assertThat(pw.code()).isEqualTo(2);
        assertThat(pw.errLines())
                .singleElement()
                .asString()
                .startsWith("soc search: --es-password is no longer accepted")
                .contains("--es-password-file FILE", "SOC_ES_PASSWORD", "compromised");
        CommandRun key =
                CommandRun.of(
                        "alerts",
                        "ack",
                        "abc",
                        "--no-publish",
                        "--es-api-key",
                        secret,
                        "--es-url",
                        "http://127.0.0.1:1");
        assertThat(key.code()).isEqualTo(2);
        assertThat(key.err()).contains("--es-api-key-file FILE", "SOC_ES_API_KEY");
        assertThat(pw.out() + pw.err() + key.out() + key.err()).doesNotContain(secret);
    }

    @Test
    void aPasswordFileAndCredentialsInTheUrlAreSentButNeverPrinted(@TempDir Path dir)
            throws Exception {
        List<String> authorizations = new ArrayList<>();
        HttpServer es = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        es.createContext(
                "/",
                x -> {
                    synchronized (authorizations) {
                        authorizations.add(x.getRequestHeaders().getFirst("Authorization"));
                    }
                    byte[] body =
                            "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"},\"status\":401}"
                                    .getBytes(StandardCharsets.UTF_8);
                    x.getResponseHeaders().set("Content-Type", "application/json");
                    x.getResponseHeaders().set("X-Elastic-Product", "Elasticsearch");
                    x.sendResponseHeaders(401, body.length);
                    x.getResponseBody().write(body);
                    x.close();
                });
        es.start();
        try {
            String url = "http://127.0.0.1:" + es.getAddress().getPort();
            String fromFile = "pw-from-file-" + System.nanoTime();
            Path file = Files.writeString(dir.resolve("es-password"), fromFile + "\n");
            CommandRun a =
                    CommandRun.of(
                            "alerts",
                            "search",
                            "--es-url",
                            url,
                            "--es-user",
                            "soc",
                            "--es-password-file",
                            file.toString());
            String inUrl = "pw-in-url-" + System.nanoTime();
            CommandRun b =
                    CommandRun.of(
                            "alerts",
                            "search",
                            "--es-url",
                            url.replace("://", "://analyst:" + inUrl + "@"));
            assertThat(a.code()).isNotZero();
            assertThat(b.code()).isNotZero();
            assertThat(authorizations).contains(basic("soc", fromFile), basic("analyst", inUrl));
            for (CommandRun r : List.of(a, b)) {
                assertThat(r.errLines()).hasSize(1);
                assertThat(r.err()).contains("Elasticsearch at " + url);
                assertThat(r.out() + r.err()).doesNotContain(fromFile).doesNotContain(inUrl);
            }
        } finally {
            es.stop(0);
        }
    }

    private static String basic(String user, String password) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
