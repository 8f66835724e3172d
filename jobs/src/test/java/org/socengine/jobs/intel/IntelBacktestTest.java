package org.socengine.jobs.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorKind;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.rules.engine.CompiledRule;

/**
 * The backtest path ({@code ./soc detect --intel}): indicators given to the job are in effect from
 * the first event, the IOC rule alerts on the events of a listed address through the enrichment,
 * and an indicator expired at an event's time does not match it, though it matched earlier events.
 */
class IntelBacktestTest {

    private static final String IOC_RULE = "6d0a6d48-487f-5d9b-a58d-2f064a388666";
    private static final long T0 = Instant.parse("2026-11-23T05:00:00Z").toEpochMilli();
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    private static RawRecord sshd(long t, String ip) {
        RawRecord r =
                RawRecord.of(
                        "syslog",
                        "<38>"
                                + BSD.format(Instant.ofEpochMilli(t))
                                + " yt-app-02 sshd[91]: Accepted password for backup from "
                                + ip
                                + " port 40000 ssh2");
        r.key = "so-yt";
        r.kafkaTimestamp = t;
        return r;
    }

    @Test
    void theIocRuleAlertsThroughTheEnrichmentAndExpiryFollowsEventTime() throws Exception {
        Indicator c2 = Indicator.of(IndicatorKind.IP, "198.51.100.0/24", "test-feed", 80);
        Indicator stale = Indicator.of(IndicatorKind.IP, "192.0.2.77", "test-feed", 90);
        stale.validUntil = T0 + 60_000;
        Indicator weak = Indicator.of(IndicatorKind.IP, "192.0.2.88", "test-feed", 20);
        List<RawRecord> records = new ArrayList<>();
        records.add(sshd(T0, "198.51.100.23"));
        records.add(sshd(T0 + 10_000, "192.0.2.77"));
        records.add(sshd(T0 + 20_000, "192.0.2.88"));
        records.add(sshd(T0 + 120_000, "192.0.2.77"));
        records.add(sshd(T0 + 130_000, "192.0.2.10"));
        List<CompiledRule> rules =
                RuleSets.compileAll(Path.of("..", "rules", "detections")).stream()
                        .filter(r -> r.id().equals(IOC_RULE))
                        .toList();
        StreamExecutionEnvironment env = FlinkEnvironments.local(1, null, null);
        DetectionJob.Streams streams =
                DetectionJob.build(
                        env.fromData(records, TypeInformation.of(RawRecord.class))
                                .name("records")
                                .uid("records"),
                        new RecordDecoder(
                                DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                        rules,
                        null,
                        null,
                        List.of(c2, stale, weak),
                        List.of(),
                        null,
                        DetectionJobOptions.defaults());
        List<Alert> out = new ArrayList<>();
        try (CloseableIterator<Alert> it = streams.alerts().executeAndCollect("intel-backtest")) {
            it.forEachRemaining(out::add);
        }
        List<Alert> alerts = Alert.latest(out);
        assertThat(alerts)
                .extracting(a -> a.entity.get("source.ip"))
                .containsExactlyInAnyOrder("198.51.100.23", "192.0.2.77");
        Alert stalest =
                alerts.stream()
                        .filter(a -> "192.0.2.77".equals(a.entity.get("source.ip")))
                        .findFirst()
                        .orElseThrow();
        // Only the event before the expiry: the later one of the same address did not match.
        assertThat(stalest.evidence).hasSize(1);
        assertThat(stalest.evidence.get(0).timestamp).isEqualTo(T0 + 10_000);
        assertThat(stalest.count).isEqualTo(1);
        Alert range =
                alerts.stream()
                        .filter(a -> "198.51.100.23".equals(a.entity.get("source.ip")))
                        .findFirst()
                        .orElseThrow();
        assertThat(range.entity).containsEntry("threat.indicator.value", "198.51.100.0/24");
        assertThat(range.evidence.get(0).threat.enrichments.get(0).matched.field)
                .isEqualTo("source.ip");
    }
}
