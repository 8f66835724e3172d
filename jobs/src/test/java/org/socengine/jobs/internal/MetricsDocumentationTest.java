package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.metrics.Gauge;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.DecodeMetrics;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.ConsumerLag;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.metrics.AlertIndexMetrics;
import org.socengine.model.Alert;

/**
 * Every metric family the engine exports is in {@code docs/metrics.md}, and every family that page
 * lists is exported: dashboards are built on those names. Public for the dashboards' test
 * (dashboards/), which holds every Grafana query to the families exported here.
 */
public class MetricsDocumentationTest {

    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(soc_[a-z0-9_]+)` \\|");

    @Test
    void everyExportedMetricIsDocumentedAndEveryDocumentedOneExported() throws Exception {
        Set<String> exported = families(exerciseEveryMetricClass());
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "metrics.md"))) {
            Matcher m = DOCUMENTED.matcher(line);
            if (m.find()) {
                documented.add(m.group(1));
            }
        }
        assertThat(exported).as("exported metric families").hasSizeGreaterThan(20);
        Set<String> undocumented = new TreeSet<>(exported);
        undocumented.removeAll(documented);
        assertThat(undocumented).as("exported but missing from docs/metrics.md").isEmpty();
        Set<String> gone = new TreeSet<>(documented);
        gone.removeAll(exported);
        assertThat(gone).as("in docs/metrics.md but not exported").isEmpty();
    }

    /**
     * What the cluster test refuses on every TaskManager's endpoint (Flink's scope as labels),
     * refused here first: a description that said "subtask" failed it.
     */
    @Test
    void noSeriesNorDescriptionCarriesFlinksScope() throws Exception {
        assertThat(exerciseEveryMetricClass())
                .doesNotContain("task_attempt")
                .doesNotContain("tm_id")
                .doesNotContain("subtask")
                .doesNotContain("job_id");
    }

    /** A registry in which every metric class of the engine registered each of its meters. */
    public static String exerciseEveryMetricClass() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        DecodeMetrics decode = new DecodeMetrics(registry);
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        for (String line :
                new String[] {
                    "<38>Nov 24 08:00:01 yt-portal-01 sshd[42]: Failed password for root from 203.0.113.5 port 40001 ssh2",
                    "not syslog at all"
                }) {
            RawRecord r = RawRecord.of("syslog", line);
            r.key = "so-yt";
            r.kafkaTimestamp = 1_800_000_000_000L;
            decode.record(r, decoder.decode(r, 0));
        }

        IntelMetrics intel = IntelMetrics.of(registry);
        intel.indicators(1);
        intel.matched("ipv4-addr");

        RuleMetrics rules = RuleMetrics.of(registry);
        Alert a = new Alert();
        a.ruleId = "rule-1";
        rules.alert(a);
        rules.error("rule-1", RuleMetrics.DEPLOY_FAILED);

        AlertIndexMetrics index = new AlertIndexMetrics(registry);
        index.indexed("high", "so-yt", 1, 1, 2);

        NotificationMetrics notifications = NotificationMetrics.of(registry);
        HorizonMetrics.register(registry);
        org.socengine.jobs.detection.EsperDetectionOperator.lateEventsCounter(registry).increment();
        notifications.sent("oncall");
        notifications.failed("oncall");

        new ConsumerLag(KafkaSettings.of("127.0.0.1:9"), "g", java.util.List.of(), registry)
                .report("soc.raw.syslog", 0, 1);

        SocMetricsReporter reporter = new SocMetricsReporter(registry);
        for (String name :
                new String[] {
                    SocMetricsReporter.DURATION,
                    SocMetricsReporter.SIZE,
                    SocMetricsReporter.FULL_SIZE,
                    SocMetricsReporter.COMPLETED,
                    SocMetricsReporter.FAILED
                }) {
            reporter.notifyOfAddedMetric((Gauge<Long>) () -> 1L, name, SocMetricsReporterTest.JOB);
        }
        return registry.scrape();
    }

    /** Sample names without their histogram suffixes: the families the page documents. */
    public static Set<String> families(String exposition) {
        Set<String> out = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            String name = line.substring(0, end >= 0 ? end : line.indexOf(' '));
            if (!name.startsWith("soc_")) {
                continue;
            }
            out.add(name.replaceAll("_(bucket|count|sum|max)$", ""));
        }
        return out;
    }
}
