package org.socengine.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.socengine.cli.console.Console;
import org.socengine.cli.console.ConsoleUser;
import org.socengine.cli.console.ConsoleUsers;
import org.socengine.cli.console.OidcSettings;
import org.socengine.cli.console.PasswordHashes;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.kafka.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./soc console}: the analysts' web console. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the analysts' web console (alert queue, incidents, overview, rule health).",
            "",
            "Reads alerts and incidents from Elasticsearch and acknowledges or closes them the way",
            "./soc alerts ack|close does (Elasticsearch, then soc.alert-status). Users come from a",
            "users file (./soc console user prints a line for it); a department liaison sees and",
            "changes only its own department. Listens on the loopback by default: put a TLS proxy",
            "in front of it (and --secure-cookie) to serve analysts on other machines."
        },
        subcommands = {ConsoleCommand.User.class})
public final class ConsoleCommand implements Callable<Integer> {

    @Mixin AlertsConnection connection;

    @Option(
            names = "--users",
            paramLabel = "FILE",
            description = "Users file (config console.users_file, env SOC_CONSOLE_USERS_FILE).")
    Path users;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "Address to listen on (config console.bind; default 127.0.0.1).")
    String bind;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port (config console.port; default 8088; 0 picks a free one).")
    Integer port;

    @Option(
            names = "--rules",
            paramLabel = "DIR",
            description =
                    "Rules folder for triage guides and ATT&CK coverage (default: the installation's).")
    Path rules;

    @Option(
            names = "--metrics-url",
            paramLabel = "URL",
            description =
                    "The detection job's Prometheus endpoint, for log-source health (config console.metrics_url).")
    URI metricsUrl;

    @Option(
            names = "--no-publish",
            description =
                    "Write status changes to Elasticsearch only; the running job will not learn of them.")
    boolean noPublish;

    @Override
    public Integer call() throws Exception {
        SocConfig c = connection.config();
        Path usersFile = users != null ? users : pathOrNull(c.get("console.users_file"));
        OidcSettings oidc = oidc(c);
        boolean passwords = !"false".equalsIgnoreCase(c.get("console.password_login"));
        if (usersFile == null && (oidc == null || passwords)) {
            throw new CliFailure(
                    "give --users FILE (or console.users_file): ./soc console user NAME --role analyst prints a line for it"
                            + (oidc == null
                                    ? ""
                                    : " (or console.password_login: false to sign in through OIDC only)"));
        }
        if (oidc == null && !passwords) {
            throw new CliFailure(
                    "console.password_login is false and no console.oidc.issuer is set: nobody could log in");
        }
        ConsoleUsers list;
        try {
            list = usersFile == null ? ConsoleUsers.of(List.of()) : ConsoleUsers.load(usersFile);
        } catch (IOException e) {
            throw new CliFailure("cannot use the users file: " + e.getMessage());
        }
        KafkaSettings kafka = noPublish ? null : connection.kafkaOrNull();
        if (!noPublish && kafka == null) {
            throw new CliFailure(
                    "no Kafka to publish status changes on soc.alert-status: give --kafka or SOC_KAFKA (or --no-publish)");
        }
        int p = port != null ? port : c.positive("console.port", "console.port", 8088);
        String b =
                bind != null ? bind : c.has("console.bind") ? c.get("console.bind") : "127.0.0.1";
        URI metrics =
                metricsUrl != null
                        ? metricsUrl
                        : c.has("console.metrics_url")
                                ? URI.create(c.get("console.metrics_url"))
                                : null;
        Duration idle =
                c.has("console.session_idle")
                        ? org.socengine.rules.Durations.parse(c.get("console.session_idle"))
                        : Duration.ofMinutes(30);
        boolean secure = "true".equalsIgnoreCase(c.get("console.secure_cookie"));
        Console.Settings s =
                Console.Settings.of(
                                list,
                                connection.elasticsearch(),
                                kafka,
                                rules != null
                                        ? rules
                                        : org.socengine.jobs.internal.RuleSets.defaultDirectory())
                        .withPort(b, p)
                        .withMetrics(metrics)
                        .withSessions(idle, secure)
                        .withOidc(oidc, passwords);
        CountDownLatch stop = new CountDownLatch(1);
        try (Console console = Console.start(s)) {
            System.err.println(
                    "soc console: serving "
                            + console.url()
                            + " for "
                            + list.size()
                            + (list.size() == 1 ? " user" : " users")
                            + (oidc == null ? "" : " and sign-in through " + oidc.issuer())
                            + (passwords ? "" : " (password login off)")
                            + (kafka == null ? " (status changes not published: --no-publish)" : "")
                            + "; Ctrl-C stops it");
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "console-stop"));
            stop.await();
        }
        return 0;
    }

    /** The OIDC provider of console.oidc.*, or null when no issuer is set. */
    static OidcSettings oidc(SocConfig c) {
        String issuer = c.get("console.oidc.issuer");
        if (issuer == null || issuer.isBlank()) {
            return null;
        }
        String client = c.get("console.oidc.client_id");
        if (client == null || client.isBlank()) {
            throw new CliFailure("console.oidc.issuer is set but console.oidc.client_id is not");
        }
        String secret = c.get("console.oidc.client_secret");
        OidcSettings d =
                OidcSettings.of(
                        URI.create(issuer.strip()),
                        client.strip(),
                        secret == null || secret.isEmpty() ? null : secret);
        String redirect = c.get("console.oidc.redirect_uri");
        return new OidcSettings(
                d.issuer(),
                d.clientId(),
                d.clientSecret(),
                redirect == null || redirect.isBlank() ? null : URI.create(redirect.strip()),
                or(c, "console.oidc.scopes", d.scopes()),
                or(c, "console.oidc.name", d.displayName()),
                or(c, "console.oidc.username_claim", d.usernameClaim()),
                or(c, "console.oidc.roles_claim", d.rolesClaim()),
                c.has("console.oidc.analyst_values")
                        ? c.list("console.oidc.analyst_values")
                        : d.analystValues(),
                c.has("console.oidc.liaison_values")
                        ? c.list("console.oidc.liaison_values")
                        : d.liaisonValues(),
                c.has("console.oidc.admin_values")
                        ? c.list("console.oidc.admin_values")
                        : d.adminValues(),
                or(c, "console.oidc.department_claim", d.departmentClaim()),
                c.has("console.oidc.clock_skew")
                        ? org.socengine.rules.Durations.parse(c.get("console.oidc.clock_skew"))
                        : d.clockSkew());
    }

    private static String or(SocConfig c, String key, String fallback) {
        String v = c.get(key);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static Path pathOrNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    @Command(
            name = "user",
            mixinStandardHelpOptions = true,
            description = {
                "Print a users-file line for a user, the password read from standard input.",
                "",
                "The password is read from the terminal without echo (or one line of standard",
                "input) and only its PBKDF2 hash is printed. Append the line to the users file."
            })
    static final class User implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "Login name.")
        String name;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "ROLE",
                description = "analyst (every department), liaison (one department) or admin.")
        String role;

        @Option(
                names = "--department",
                paramLabel = "D",
                description = "A liaison's department id.")
        String department;

        @Option(
                names = "--language",
                defaultValue = "vi",
                paramLabel = "L",
                description = "vi or en. Default: ${DEFAULT-VALUE}.")
        String language;

        @Option(
                names = "--zone",
                defaultValue = "Asia/Ho_Chi_Minh",
                paramLabel = "ZONE",
                description = "Time zone of dates. Default: ${DEFAULT-VALUE}.")
        String zone;

        @Override
        public Integer call() throws IOException {
            char[] password;
            java.io.Console terminal = System.console();
            if (terminal != null) {
                password = terminal.readPassword("password for %s: ", name);
            } else {
                String line =
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                                .readLine();
                password = line == null ? new char[0] : line.toCharArray();
            }
            if (password == null || password.length < 10) {
                throw new CliFailure("a console password needs at least 10 characters");
            }
            String line;
            try {
                ConsoleUser u =
                        new ConsoleUser(
                                name,
                                roleOf(role),
                                department,
                                language,
                                ZoneId.of(zone),
                                PasswordHashes.hash(password));
                line = ConsoleUsers.line(u);
                ConsoleUsers.of(java.util.List.of(ConsoleUsers.parseLine(line)));
            } catch (RuntimeException e) {
                throw new CliFailure(e.getMessage());
            } finally {
                java.util.Arrays.fill(password, ' ');
            }
            System.out.println(line);
            return 0;
        }

        private static ConsoleUser.Role roleOf(String r) {
            for (ConsoleUser.Role x : ConsoleUser.Role.values()) {
                if (x.label().equals(r)) {
                    return x;
                }
            }
            throw new CliFailure("--role must be analyst, liaison or admin, got '" + r + "'");
        }
    }
}
