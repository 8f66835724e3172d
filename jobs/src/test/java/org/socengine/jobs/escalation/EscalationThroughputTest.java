package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.Incident;
import org.socengine.model.Notification;
import org.socengine.model.SocTopics;

/**
 * The escalation job's throughput on generated alert documents (JSON, as in {@code soc.alerts}):
 * {@code -Dsoc.bench.escalation=1000000}. Off in the normal build. Alerts spread over the ten
 * departments of the demo province, 2,000 hosts each and 40 rules with their tactics, 200 alerts a
 * second of event time; the figures go to docs/benchmarks.md.
 */
@EnabledIfSystemProperty(named = "soc.bench.escalation", matches = "\\d+")
class EscalationThroughputTest {

    static final String[] DEPARTMENTS = {
        "so-tttt",
        "so-tc",
        "so-yt",
        "so-gddt",
        "so-khdt",
        "ubnd-tp-thanhhoa",
        "ubnd-tp-samson",
        "ubnd-h-quangxuong",
        "ubnd-h-hoanghoa",
        "tt-hcc"
    };
    static final String[] TACTICS = {
        "credential_access",
        "execution",
        "persistence",
        "discovery",
        "lateral_movement",
        "command_and_control",
        "exfiltration",
        "impact"
    };
    static final AtomicLong INCIDENTS = new AtomicLong();
    static final AtomicLong NOTIFICATIONS = new AtomicLong();

    static RawRecord alert(long i) {
        long t = IncidentCorrelatorTest.T0 + i * 5; // 200 alerts a second of event time
        // A cheap mix: neighbouring alerts land on different keys, a key recurs every few minutes.
        long h = (i * 0x9E3779B97F4A7C15L) >>> 1;
        String department = DEPARTMENTS[(int) (h % DEPARTMENTS.length)];
        String host = department + "-host-" + ((h >>> 8) % 2000);
        int rule = (int) ((h >>> 24) % 40);
        Alert a =
                IncidentCorrelatorTest.alert(
                        department,
                        "host.name",
                        host,
                        "rule-" + rule,
                        rule % 17 == 0 ? "critical" : rule % 3 == 0 ? "high" : "medium",
                        20 + rule,
                        t,
                        "attack." + TACTICS[rule % TACTICS.length]);
        a.id = Long.toHexString(i) + "-" + a.ruleId;
        RawRecord r = new RawRecord();
        r.topic = SocTopics.ALERTS;
        r.partition = 0;
        r.offset = i;
        r.key = a.id;
        r.value = AlertJson.toJson(a).getBytes(StandardCharsets.UTF_8);
        return r;
    }

    static final class Counting<T> implements Sink<T> {
        private final boolean incidents;

        Counting(boolean incidents) {
            this.incidents = incidents;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    (incidents ? INCIDENTS : NOTIFICATIONS).incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void millionAlerts() throws Exception {
        long n = Long.getLong("soc.bench.escalation");
        int parallelism = Integer.getInteger("soc.bench.parallelism", 1);
        StreamExecutionEnvironment env = FlinkEnvironments.local(parallelism, null, null);
        EscalationJob.build(
                env.fromSequence(0, n - 1)
                        .map(EscalationThroughputTest::alert)
                        .returns(TypeInformation.of(RawRecord.class))
                        .uid("bench-alerts"),
                null,
                null,
                EscalationPolicy.bundled(),
                new EscalationJob.Sinks(List.of(new Counting<Incident>(true)), null, null, null),
                EscalationJob.Dispatch.toSink(new Counting<Notification>(false)),
                EscalationJobOptions.defaults().withParallelism(parallelism));
        long start = System.nanoTime();
        env.execute("escalation-throughput");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "{\"run\":\"escalation\",\"alerts\":%d,\"parallelism\":%d,\"seconds\":%.1f,"
                        + "\"alerts_per_second\":%.0f,\"incident_versions\":%d,\"notifications\":%d,"
                        + "\"max_heap_mib\":%d}%n",
                n,
                parallelism,
                seconds,
                n / seconds,
                INCIDENTS.get(),
                NOTIFICATIONS.get(),
                Runtime.getRuntime().maxMemory() >> 20);
        assertThat(INCIDENTS.get()).isPositive();
    }
}
