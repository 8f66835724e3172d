package org.socengine.cli.console;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.AlertStatusPublisher;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.SocTopics;

/** A running console: its server, its Elasticsearch client and its status publisher. */
public final class Console implements AutoCloseable {

    /** What a console needs; {@code kafka} null writes Elasticsearch only. */
    public record Settings(
            String bind,
            int port,
            ConsoleUsers users,
            ElasticsearchSettings elasticsearch,
            KafkaSettings kafka,
            String statusTopic,
            Path rulesDir,
            URI metricsUrl,
            Duration sessionIdle,
            int maxFailures,
            Duration lockFor,
            boolean secureCookie,
            Clock clock,
            OidcSettings oidc,
            boolean passwordLogin) {

        public static Settings of(
                ConsoleUsers users, ElasticsearchSettings es, KafkaSettings kafka, Path rulesDir) {
            return new Settings(
                    "127.0.0.1",
                    0,
                    users,
                    es,
                    kafka,
                    SocTopics.ALERT_STATUS,
                    rulesDir,
                    null,
                    Duration.ofMinutes(30),
                    5,
                    Duration.ofMinutes(15),
                    false,
                    Clock.systemUTC(),
                    null,
                    true);
        }

        public Settings withPort(String bind, int port) {
            return new Settings(
                    bind,
                    port,
                    users,
                    elasticsearch,
                    kafka,
                    statusTopic,
                    rulesDir,
                    metricsUrl,
                    sessionIdle,
                    maxFailures,
                    lockFor,
                    secureCookie,
                    clock,
                    oidc,
                    passwordLogin);
        }

        public Settings withMetrics(URI url) {
            return new Settings(
                    bind,
                    port,
                    users,
                    elasticsearch,
                    kafka,
                    statusTopic,
                    rulesDir,
                    url,
                    sessionIdle,
                    maxFailures,
                    lockFor,
                    secureCookie,
                    clock,
                    oidc,
                    passwordLogin);
        }

        public Settings withStatusTopic(String topic) {
            return new Settings(
                    bind,
                    port,
                    users,
                    elasticsearch,
                    kafka,
                    topic,
                    rulesDir,
                    metricsUrl,
                    sessionIdle,
                    maxFailures,
                    lockFor,
                    secureCookie,
                    clock,
                    oidc,
                    passwordLogin);
        }

        public Settings withSessions(Duration idle, boolean secure) {
            return new Settings(
                    bind,
                    port,
                    users,
                    elasticsearch,
                    kafka,
                    statusTopic,
                    rulesDir,
                    metricsUrl,
                    idle,
                    maxFailures,
                    lockFor,
                    secure,
                    clock,
                    oidc,
                    passwordLogin);
        }

        /** Sign-in through an OIDC provider (null: none), and whether passwords log in too. */
        public Settings withOidc(OidcSettings o, boolean passwords) {
            return new Settings(
                    bind,
                    port,
                    users,
                    elasticsearch,
                    kafka,
                    statusTopic,
                    rulesDir,
                    metricsUrl,
                    sessionIdle,
                    maxFailures,
                    lockFor,
                    secureCookie,
                    clock,
                    o,
                    passwords);
        }

        public Settings withClock(Clock c) {
            return new Settings(
                    bind,
                    port,
                    users,
                    elasticsearch,
                    kafka,
                    statusTopic,
                    rulesDir,
                    metricsUrl,
                    sessionIdle,
                    maxFailures,
                    lockFor,
                    secureCookie,
                    c,
                    oidc,
                    passwordLogin);
        }
    }

    private final ElasticsearchClient client;
    private final AlertStatusPublisher publisher;
    private final ConsoleServer server;

    private Console(
            ElasticsearchClient client, AlertStatusPublisher publisher, ConsoleServer server) {
        this.client = client;
        this.publisher = publisher;
        this.server = server;
    }

    public static Console start(Settings s) throws IOException {
        ElasticsearchClient client = ElasticsearchClients.create(s.elasticsearch());
        AlertStatusPublisher publisher = null;
        try {
            publisher =
                    s.kafka() == null
                            ? null
                            : new AlertStatusPublisher(
                                    s.kafka(), s.statusTopic(), Duration.ofSeconds(30));
            ConsoleServer server =
                    new ConsoleServer(
                                    new InetSocketAddress(s.bind(), s.port()),
                                    s.users(),
                                    new ConsoleData(client, publisher),
                                    new RuleLibrary(s.rulesDir()),
                                    new SourceHealth(s.metricsUrl()),
                                    // An absolute limit of a working day, whatever the activity.
                                    new Sessions(s.sessionIdle(), Duration.ofHours(12), s.clock()),
                                    new LoginThrottle(s.maxFailures(), s.lockFor(), s.clock()),
                                    s.clock())
                            .secureCookie(s.secureCookie())
                            .passwordLogin(s.passwordLogin())
                            .oidc(s.oidc())
                            .start();
            return new Console(client, publisher, server);
        } catch (IOException | RuntimeException e) {
            if (publisher != null) {
                publisher.close();
            }
            client.close();
            throw e;
        }
    }

    public URI url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
        if (publisher != null) {
            publisher.close();
        }
        try {
            client.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
