package org.socengine.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.socengine.cli.console.Console;
import org.socengine.cli.console.ConsoleUser;
import org.socengine.cli.console.ConsoleUsers;
import org.socengine.cli.console.PasswordHashes;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.KafkaSettings;

/**
 * The web console of the demo: one provincial analyst with a password made for this run, printed
 * with the URL. On port 8088 when it is free, else on any free port.
 */
final class DemoConsole implements AutoCloseable {

    static final String USER = "demo";

    private final Console console;
    private final String password;

    private DemoConsole(Console console, String password) {
        this.console = console;
        this.password = password;
    }

    static DemoConsole start(
            ElasticsearchSettings es,
            KafkaSettings kafka,
            Path rules,
            URI metrics,
            PrintStream err) {
        String password = PasswordHashes.randomPassword();
        ConsoleUsers users =
                ConsoleUsers.of(
                        List.of(
                                new ConsoleUser(
                                        USER,
                                        ConsoleUser.Role.ANALYST,
                                        null,
                                        "vi",
                                        ConsoleUser.DEFAULT_ZONE,
                                        PasswordHashes.hash(password.toCharArray()))));
        Console.Settings s = Console.Settings.of(users, es, kafka, rules).withMetrics(metrics);
        try {
            Console c;
            try {
                c = Console.start(s.withPort("127.0.0.1", 8088));
            } catch (BindException e) {
                c = Console.start(s.withPort("127.0.0.1", 0));
            }
            DemoConsole d = new DemoConsole(c, password);
            err.printf("soc demo: console at %s (log in as %s / %s)%n", c.url(), USER, password);
            return d;
        } catch (IOException | RuntimeException e) {
            err.println("soc demo: the console did not start: " + e.getMessage());
            return null;
        }
    }

    String describe() {
        return console.url() + "  (log in as " + USER + " / " + password + ")";
    }

    @Override
    public void close() {
        console.close();
    }
}
