package org.socengine.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.MetricsDocumentationTest;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboards of {@code dashboards/grafana/*.json}, their provisioning and the
 * Prometheus scrape configuration, checked without Grafana or Prometheus: every dashboard parses,
 * every panel and variable queries the provisioned data source, and every PromQL expression names
 * only metric families the engine exports, with labels those families carry. The exported families
 * come from the engine's own registry with every metric class registered (the one {@code
 * MetricsDocumentationTest} holds docs/metrics.md to), not from a list kept here.
 */
class GrafanaDashboardsTest {

    private static final Path DASHBOARDS = Path.of("").toAbsolutePath();
    private static final Path GRAFANA = DASHBOARDS.resolve("grafana");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> PROMQL_WORDS =
            Set.of(
                    "and",
                    "or",
                    "unless",
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right",
                    "bool",
                    "offset",
                    "inf",
                    "nan");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");
    private static final Pattern MATCHER_LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING =
            Pattern.compile(
                    "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER =
            Pattern.compile("(?<![\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Pattern LABEL_VALUES =
            Pattern.compile(
                    "label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)[^,]*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    /** Every exported family and the labels its samples carry. */
    private static Map<String, Set<String>> exported;

    @BeforeAll
    static void exportedFamilies() throws Exception {
        exported = labelsByFamily(MetricsDocumentationTest.exerciseEveryMetricClass());
        assertThat(exported.keySet())
                .isEqualTo(
                        MetricsDocumentationTest.families(
                                MetricsDocumentationTest.exerciseEveryMetricClass()));
    }

    @Test
    void everyDashboardParsesAndQueriesTheProvisionedDataSource() throws Exception {
        String datasource = provisionedDatasourceUid();
        List<Path> files = dashboards();
        assertThat(files).isNotEmpty();
        Set<String> uids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            JsonNode d = JSON.readTree(f.toFile());
            String name = f.getFileName().toString();
            if (!uids.add(d.path("uid").asText())) {
                problems.add(
                        name + ": uid " + d.path("uid").asText() + " is another dashboard's too");
            }
            if (d.path("title").asText().isBlank() || d.path("uid").asText().isBlank()) {
                problems.add(name + ": needs a uid and a title");
            }
            for (JsonNode p : panels(d)) {
                String where = name + " panel \"" + p.path("title").asText() + "\"";
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                checkDatasource(where, p.path("datasource"), datasource, problems);
                if (p.path("targets").isEmpty()) {
                    problems.add(where + ": no query");
                }
                for (JsonNode t : p.path("targets")) {
                    checkDatasource(where, t.path("datasource"), datasource, problems);
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if (v.path("type").asText().equals("query")) {
                    checkDatasource(
                            name + " variable " + v.path("name").asText(),
                            v.path("datasource"),
                            datasource,
                            problems);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyQueryNamesMetricsTheEngineExportsWithTheirLabels() throws Exception {
        List<String> problems = new ArrayList<>();
        int queries = 0;
        for (Path f : dashboards()) {
            JsonNode d = JSON.readTree(f.toFile());
            String name = f.getFileName().toString();
            for (JsonNode p : panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    queries++;
                    problems.addAll(
                            promqlProblems(
                                    name + " panel \"" + p.path("title").asText() + "\"",
                                    t.path("expr").asText(),
                                    exported));
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if (!v.path("type").asText().equals("query")) {
                    continue;
                }
                queries++;
                String q =
                        v.path("query").isObject()
                                ? v.path("query").path("query").asText()
                                : v.path("query").asText();
                Matcher m = LABEL_VALUES.matcher(q);
                String where = name + " variable " + v.path("name").asText();
                if (!m.find()) {
                    problems.addAll(promqlProblems(where, q, exported));
                } else if (!exported.containsKey(m.group(1))) {
                    problems.add(where + ": " + m.group(1) + " is not a metric the engine exports");
                } else if (!exported.get(m.group(1)).contains(m.group(2))) {
                    problems.add(
                            where
                                    + ": "
                                    + m.group(1)
                                    + " has no label "
                                    + m.group(2)
                                    + " (it has "
                                    + exported.get(m.group(1))
                                    + ")");
                }
            }
        }
        assertThat(queries).isGreaterThan(20);
        assertThat(problems).isEmpty();
    }

    /** The check names the offender: a query on a metric that does not exist, or a wrong label. */
    @Test
    void aQueryOnAMetricOrLabelTheEngineDoesNotExportIsReported() {
        assertThat(
                        promqlProblems(
                                "p",
                                "sum by (source) (rate(soc_decode_recieved_total[5m]))",
                                exported))
                .singleElement()
                .asString()
                .contains("soc_decode_recieved_total");
        assertThat(
                        promqlProblems(
                                "p",
                                "sum by (sourcetype) (rate(soc_decode_received_total{department=~\"$department\"}[5m]))",
                                exported))
                .singleElement()
                .asString()
                .contains("sourcetype");
        assertThat(
                        promqlProblems(
                                "p",
                                "histogram_quantile(0.99, sum by (le) (rate(soc_detection_latency_kafka_seconds_bucket[5m])))",
                                exported))
                .isEmpty();
        assertThat(promqlProblems("p", "flink_jobmanager_job_uptime", exported)).isNotEmpty();
    }

    @Test
    void theProvisioningLoadsTheseDashboardsFromPrometheus() throws Exception {
        Map<String, Object> providers = yaml(GRAFANA.resolve("provisioning/dashboards/soc.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> provider =
                ((List<Map<String, Object>>) providers.get("providers")).get(0);
        assertThat(provider.get("type")).isEqualTo("file");
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) provider.get("options");
        // docker/compose.yml mounts dashboards/grafana there (ComposeFileTest).
        assertThat(options.get("path")).isEqualTo("/var/lib/grafana/dashboards/soc");
        assertThat(provisionedDatasource().get("type")).isEqualTo("prometheus");

        // The engine's endpoint (docs/metrics.md: port 9464 of every Flink process) is scraped,
        // with the engine's own `job` label (the Flink job's name) kept.
        Map<String, Object> prometheus = yaml(DASHBOARDS.resolve("prometheus/prometheus.yml"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs =
                (List<Map<String, Object>>) prometheus.get("scrape_configs");
        Map<String, Object> engine =
                jobs.stream().filter(j -> j.toString().contains("9464")).findFirst().orElseThrow();
        assertThat(engine.get("honor_labels")).isEqualTo(true);
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * What is wrong with one PromQL expression: metrics the engine does not export, labels none of
     * its metrics carry, or no metric at all.
     */
    static List<String> promqlProblems(
            String where, String expr, Map<String, Set<String>> exported) {
        List<String> problems = new ArrayList<>();
        // Grafana's variables and macros first: $department, ${rule}, $__rate_interval.
        String e = expr.replaceAll("\\$\\{[^}]*\\}|\\$\\w+", "x");
        Set<String> labels = new TreeSet<>();
        Matcher m = MATCHERS.matcher(e);
        while (m.find()) {
            Matcher l =
                    MATCHER_LABEL.matcher(
                            m.group(1).replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
            while (l.find()) {
                labels.add(l.group(1));
            }
        }
        e = MATCHERS.matcher(e).replaceAll(" ");
        m = GROUPING.matcher(e);
        while (m.find()) {
            for (String l : m.group(1).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.trim());
                }
            }
        }
        e = GROUPING.matcher(e).replaceAll(" ");
        e = e.replaceAll("\\[[^\\]]*\\]", " ").replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ");
        Set<String> metrics = new TreeSet<>();
        m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String id = m.group(1);
            if (m.group(2) != null || PROMQL_WORDS.contains(id.toLowerCase())) {
                continue; // a function, or an operator word
            }
            metrics.add(id);
        }
        if (metrics.isEmpty()) {
            problems.add(where + ": `" + expr + "` names no metric");
        }
        Set<String> known = new HashSet<>();
        for (String metric : metrics) {
            String family = familyOf(metric, exported);
            if (family == null) {
                problems.add(
                        where
                                + ": `"
                                + expr
                                + "` uses "
                                + metric
                                + ", which the engine does not export (docs/metrics.md)");
                continue;
            }
            known.addAll(exported.get(family));
            if (metric.endsWith("_bucket")) {
                known.add("le");
            }
        }
        if (!known.isEmpty()) {
            for (String l : labels) {
                if (!known.contains(l)) {
                    problems.add(
                            where
                                    + ": `"
                                    + expr
                                    + "` uses label "
                                    + l
                                    + ", which none of "
                                    + metrics
                                    + " has ("
                                    + known
                                    + ")");
                }
            }
        }
        return problems;
    }

    /** The exported family a sample name belongs to (histograms: _bucket, _count, _sum, _max). */
    private static String familyOf(String metric, Map<String, Set<String>> exported) {
        if (exported.containsKey(metric)) {
            return metric;
        }
        String base = metric.replaceAll("_(bucket|count|sum|max)$", "");
        return !base.equals(metric) && exported.containsKey(base) ? base : null;
    }

    private static Map<String, Set<String>> labelsByFamily(String exposition) {
        Map<String, Set<String>> out = new TreeMap<>();
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || !line.startsWith("soc_")) {
                continue;
            }
            int brace = line.indexOf('{');
            String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
            Set<String> labels =
                    out.computeIfAbsent(
                            name.replaceAll("_(bucket|count|sum|max)$", ""), k -> new TreeSet<>());
            if (brace >= 0) {
                Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}')));
                while (m.find()) {
                    if (!m.group(1).equals("le")) {
                        labels.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    private static void checkDatasource(
            String where, JsonNode ds, String uid, List<String> problems) {
        if (ds.isMissingNode()) {
            return; // a target without its own data source uses its panel's
        }
        if (!ds.path("uid").asText().equals(uid)) {
            problems.add(
                    where
                            + ": data source "
                            + ds
                            + " is not the provisioned one (uid "
                            + uid
                            + ")");
        }
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add); // a collapsed row holds its panels
        }
        return out;
    }

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> s = Files.list(GRAFANA)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static String provisionedDatasourceUid() throws IOException {
        return String.valueOf(provisionedDatasource().get("uid"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> provisionedDatasource() throws IOException {
        Map<String, Object> ds = yaml(GRAFANA.resolve("provisioning/datasources/prometheus.yml"));
        return ((List<Map<String, Object>>) ds.get("datasources")).get(0);
    }

    private static Map<String, Object> yaml(Path p) throws IOException {
        return new Yaml().load(Files.readString(p));
    }
}
