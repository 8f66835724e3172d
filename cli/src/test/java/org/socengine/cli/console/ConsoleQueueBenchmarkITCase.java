package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.internal.AlertIndexWriter;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.connectors.testing.TestAlerts;
import org.socengine.connectors.testing.TestWriterContext;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;
import org.socengine.model.Json;

/**
 * The benchmark of docs/benchmarks.md, "Console": the queue page and its API over 100,000 alerts on
 * the real node. It measures and prints; it asserts no time. Runs only with SOC_CONSOLE_BENCH=1:
 *
 * <pre>
 * SOC_CONSOLE_BENCH=1 mvn -B -pl cli -am verify -Dit.test=ConsoleQueueBenchmarkITCase -Dtest=NONE \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class ConsoleQueueBenchmarkITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    private static final int ALERTS =
            Integer.parseInt(System.getenv().getOrDefault("SOC_CONSOLE_BENCH_ALERTS", "100000"));
    private static final String PASSWORD = "correct horse battery";

    @Test
    void queueAndApiAtOneHundredThousandAlerts() throws Exception {
        Assumptions.assumeTrue(
                "1".equals(System.getenv("SOC_CONSOLE_BENCH")), "SOC_CONSOLE_BENCH=1 runs it");
        ElasticsearchSettings es = ElasticsearchSettings.of(SERVICES.elasticsearchUrl());
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> departments = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            departments.add("bench-" + run + "-d" + i);
        }
        String[] severities = {"low", "medium", "high", "critical"};
        Random random = new Random(20191107);
        long now = Instant.now().toEpochMilli();
        long start = System.nanoTime();
        TestWriterContext context = TestWriterContext.create();
        SinkWriter.Context none =
                new SinkWriter.Context() {
                    @Override
                    public long currentWatermark() {
                        return Long.MIN_VALUE;
                    }

                    @Override
                    public Long timestamp() {
                        return null;
                    }
                };
        try (AlertIndexWriter w =
                new AlertIndexWriter(
                        new AlertIndexWriter.Options(es, 2000, 60_000, 1000, 0),
                        context.getProcessingTimeService(),
                        context.metricGroup(),
                        null)) {
            for (int i = 0; i < ALERTS; i++) {
                String dept = departments.get(random.nextInt(departments.size()));
                long t = now - (long) (random.nextDouble() * Duration.ofDays(28).toMillis());
                Alert a =
                        TestAlerts.alert(
                                dept,
                                "10."
                                        + random.nextInt(256)
                                        + "."
                                        + random.nextInt(256)
                                        + "."
                                        + random.nextInt(256),
                                t);
                int r = random.nextInt(10);
                a.ruleId = "bench-rule-" + r;
                a.ruleName = "Benchmark rule " + r;
                a.severity = severities[r % 4];
                a.id = AlertIds.of(a.ruleId, 1, a.groupKey(), a.windowStart);
                w.write(a, none);
            }
            w.flush(false);
        }
        double indexSeconds = (System.nanoTime() - start) / 1e9;
        try (var client = ElasticsearchClients.create(es)) {
            client.indices().refresh(r -> r.index("soc-alerts"));
        }

        String hash = PasswordHashes.hash(PASSWORD.toCharArray(), 10_000);
        ConsoleUsers users =
                ConsoleUsers.of(
                        List.of(
                                new ConsoleUser(
                                        "lan",
                                        ConsoleUser.Role.ANALYST,
                                        null,
                                        "en",
                                        ConsoleUser.DEFAULT_ZONE,
                                        hash),
                                new ConsoleUser(
                                        "minh",
                                        ConsoleUser.Role.LIAISON,
                                        departments.get(3),
                                        "en",
                                        ConsoleUser.DEFAULT_ZONE,
                                        hash)));
        Map<String, String> results = new LinkedHashMap<>();
        try (Console console =
                Console.start(
                        Console.Settings.of(
                                users, es, null, Path.of("..", "rules", "detections")))) {
            HttpClient http =
                    HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            String analyst = login(http, console, "lan");
            String liaison = login(http, console, "minh");
            JsonNode first =
                    Json.mapper()
                            .readTree(get(http, console, analyst, "/api/alerts?range=all").body());
            long total = first.path("total").asLong();
            // A cursor 100 pages (5,000 alerts) deep, reached by following the API's cursors.
            String cursor = first.path("next").asText();
            for (int i = 1; i < 100; i++) {
                cursor =
                        Json.mapper()
                                .readTree(
                                        get(
                                                        http,
                                                        console,
                                                        analyst,
                                                        "/api/alerts?range=all&after=" + cursor)
                                                .body())
                                .path("next")
                                .asText();
            }
            Map<String, String[]> cases = new LinkedHashMap<>();
            cases.put(
                    "queue page 1 (HTML, all departments, 50 rows)",
                    new String[] {analyst, "/alerts?range=all"});
            cases.put(
                    "queue page 101 (HTML, search_after 5,000 deep)",
                    new String[] {analyst, "/alerts?range=all&after=" + cursor});
            cases.put(
                    "queue filtered: department + severity + status (HTML)",
                    new String[] {
                        analyst,
                        "/alerts?range=all&status=open&severity=high&department="
                                + departments.get(5)
                    });
            cases.put(
                    "queue free text on the entity (HTML)",
                    new String[] {analyst, "/alerts?range=all&q=10.1.2"});
            cases.put(
                    "queue, liaison (HTML, one department)",
                    new String[] {liaison, "/alerts?range=all"});
            cases.put(
                    "API page 1 (JSON, 50 alerts)",
                    new String[] {analyst, "/api/alerts?range=all"});
            cases.put(
                    "API page 101 (JSON, search_after)",
                    new String[] {analyst, "/api/alerts?range=all&after=" + cursor});
            cases.put(
                    "API, 500 alerts a page (JSON)",
                    new String[] {analyst, "/api/alerts?range=all&size=500"});
            cases.put(
                    "overview, 30 days (HTML, charts + matrix)",
                    new String[] {analyst, "/overview?range=30d"});
            cases.put("rule health (HTML)", new String[] {analyst, "/rules"});
            StringBuilder table = new StringBuilder();
            table.append(
                    String.format(
                            "alerts in the index: %d (indexed in %.1f s)%n", total, indexSeconds));
            table.append(
                    "| request | median ms | p95 ms | max ms | bytes |\n| --- | --- | --- | --- | --- |\n");
            for (var e : cases.entrySet()) {
                String cookie = e.getValue()[0];
                String path = e.getValue()[1];
                List<Double> times = new ArrayList<>();
                int bytes = 0;
                for (int i = 0; i < 35; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = get(http, console, cookie, path);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    bytes = r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    if (i >= 5) {
                        times.add(ms);
                    }
                }
                Collections.sort(times);
                table.append(
                        String.format(
                                java.util.Locale.ROOT,
                                "| %s | %.1f | %.1f | %.1f | %d |%n",
                                e.getKey(),
                                times.get(times.size() / 2),
                                times.get((int) Math.ceil(times.size() * 0.95) - 1),
                                times.get(times.size() - 1),
                                bytes));
            }
            System.out.println(table);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "console-benchmark.md"), table.toString());
            results.put("table", table.toString());
        }
        assertThat(results).isNotEmpty();
    }

    private static String login(HttpClient http, Console console, String user) throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(console.url().resolve("/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "user="
                                                        + user
                                                        + "&password="
                                                        + PASSWORD.replace(" ", "+")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    private static HttpResponse<String> get(
            HttpClient http, Console console, String cookie, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(console.url().resolve(path).toString()))
                        .header("Cookie", cookie)
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
