package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Incident;
import org.socengine.model.Notification;
import org.socengine.model.SocTopics;

/**
 * The whole escalation topology on a MiniCluster, with collections for sources and collecting
 * sinks: alert documents as they sit in {@code soc.alerts} (and a record that is none) become
 * incidents, opening notifications and an escalation when later alerts move event time past a
 * deadline; a bad policy on the policy stream is refused with its problems.
 */
class EscalationJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    static final long T0 = IncidentCorrelatorTest.T0;
    static final long MIN = IncidentCorrelatorTest.MIN;

    static RawRecord record(Alert a, long offset) {
        RawRecord r = new RawRecord();
        r.topic = SocTopics.ALERTS;
        r.partition = 0;
        r.offset = offset;
        r.key = a.id;
        r.value = AlertJson.toJson(a).getBytes(StandardCharsets.UTF_8);
        return r;
    }

    @Test
    void alertsBecomeIncidentsNotificationsAndEscalations() throws Exception {
        List<RawRecord> records = new ArrayList<>();
        long offset = 0;
        // A host under attack: three tactics in twenty minutes.
        records.add(
                record(
                        IncidentCorrelatorTest.hostAlert(
                                "r1", "high", 73, T0, "attack.credential_access"),
                        offset++));
        records.add(
                record(
                        IncidentCorrelatorTest.hostAlert(
                                "r2", "high", 47, T0 + MIN, "attack.execution"),
                        offset++));
        RawRecord garbage = new RawRecord();
        garbage.topic = SocTopics.ALERTS;
        garbage.partition = 0;
        garbage.offset = offset++;
        garbage.value = "{\"not\": \"an alert\"".getBytes(StandardCharsets.UTF_8);
        records.add(garbage);
        Alert shadow =
                IncidentCorrelatorTest.hostAlert(
                        "r9", "critical", 99, T0 + 2 * MIN, "attack.impact");
        shadow.shadow = true;
        records.add(record(shadow, offset++));
        records.add(
                record(
                        IncidentCorrelatorTest.hostAlert(
                                "r3", "medium", 47, T0 + 20 * MIN, "attack.persistence"),
                        offset++));
        // Another department's alert later on: event time passes the first tier's deadline.
        records.add(
                record(
                        IncidentCorrelatorTest.alert(
                                "so-tc",
                                "source.ip",
                                "203.0.113.50",
                                "scan",
                                "low",
                                10,
                                T0 + 40 * MIN),
                        offset++));

        CollectingSink<Incident> incidents = new CollectingSink<>();
        CollectingSink<Notification> notifications = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<PolicyStatus> statuses = new CollectingSink<>();
        CollectingSink<AlertStatusChange> closes = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        EscalationJob.build(
                env.fromData(records, TypeInformation.of(RawRecord.class)).uid("test-alerts"),
                null,
                env.fromData(
                                List.of(
                                        PolicyRecord.of(
                                                IncidentCorrelatorTest.POLICY.replace(
                                                        "channels: [soc]", "channels: [sco]"),
                                                "soc.escalation-policy/0@7")),
                                TypeInformation.of(PolicyRecord.class))
                        .uid("test-policies"),
                IncidentCorrelatorTest.policy(),
                new EscalationJob.Sinks(List.of(incidents), closes, dead, statuses),
                EscalationJob.Dispatch.toSink(notifications),
                EscalationJobOptions.defaults()
                        .withAlertDisorder(java.time.Duration.ofSeconds(10))
                        .withDepartmentNames(Map.of("so-yt", "Sở Y tế")));
        env.execute("escalation-job-test");

        Map<String, Incident> latest = new LinkedHashMap<>();
        incidents.values().forEach(i -> latest.put(i.id, i));
        assertThat(latest).hasSize(2);
        Incident host = latest.get(Incident.idOf("so-yt", "host.name", "yt-web-01", T0));
        assertThat(host.alertCount).isEqualTo(3);
        assertThat(host.risk).isEqualTo(60 + 47 + 47 + 3 * 15);
        assertThat(host.severity).isEqualTo("critical");
        assertThat(host.tierReached).isEqualTo(1);
        assertThat(notifications.values())
                .extracting(
                        n -> n.kind + " " + n.severity + " " + n.channel + " @" + (n.at - T0) / MIN)
                .containsExactly(
                        // One rule alone stays under its cap: medium, the SOC's chat only.
                        "opened medium soc @0",
                        // A second tactic: high, the on-call is paged.
                        "escalated high oncall @1",
                        "escalated high oncall-mail @1",
                        // Nobody acknowledged within 15 minutes: the next tier.
                        "escalated high soc @16",
                        // A third tactic: critical, told to the tier reached.
                        "escalated critical soc @20");
        assertThat(dead.values())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reasonCode).isEqualTo(AlertReader.UNREADABLE);
                            assertThat(d.offset).isEqualTo(2);
                            assertThat(d.topic).isEqualTo(SocTopics.ALERTS);
                        });
        assertThat(statuses.values())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.status).isEqualTo(PolicyStatus.REFUSED);
                            // The channel is named in three tiers: three problems, at once.
                            assertThat(s.problems).hasSize(3);
                            assertThat(s.problems)
                                    .allSatisfy(
                                            p ->
                                                    assertThat(p)
                                                            .startsWith(
                                                                    "soc.escalation-policy/0@7:")
                                                            .contains("unknown channel 'sco'"));
                        });
        assertThat(closes.values()).isEmpty();
    }
}
