package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.connectors.testing.TestAlerts;
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
        List<Alert> alerts = new ArrayList<>(ALERTS);
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
            alerts.add(a);
        }
        ConsoleTestSupport.index(es, alerts, 2000);
        double indexSeconds = (System.nanoTime() - start) / 1e9;
        long total;
        try (var client = ElasticsearchClients.create(es)) {
            client.indices().refresh(r -> r.index("soc-alerts"));
            // The queue's own total stops at 10,000.
            total = client.count(c -> c.index("soc-alerts")).count();
        }

        ConsoleUsers users =
                ConsoleUsers.of(
                        List.of(
                                ConsoleTestSupport.user(
                                        "lan", ConsoleUser.Role.ANALYST, null, "en"),
                                ConsoleTestSupport.user(
                                        "minh",
                                        ConsoleUser.Role.LIAISON,
                                        departments.get(3),
                                        "en")));
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
                    "queue free text as a wildcard pattern (HTML)",
                    new String[] {analyst, "/alerts?range=all&q=*10.1.2*"});
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
        return ConsoleTestSupport.login(http, console.url(), user);
    }

    private static HttpResponse<String> get(
            HttpClient http, Console console, String cookie, String path) throws Exception {
        return ConsoleTestSupport.get(http, console.url(), cookie, path, Duration.ofSeconds(60));
    }
}
