package org.socengine.connectors.testing;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;

/** Alerts and helpers for the sink tests. */
public final class TestAlerts {

    private TestAlerts() {}

    public static Alert alert(String department, String ip, long timestamp) {
        Alert a = new Alert();
        a.ruleId = "it-ssh-brute-force";
        a.ruleName = "SSH brute force from one source";
        a.ruleVersion = 1;
        a.severity = "high";
        a.riskScore = 73;
        a.tags.add("attack.credential_access");
        a.tags.add("attack.t1110.001");
        a.departmentId = department;
        a.departmentName = department;
        a.entity.put("source.ip", ip);
        a.details.put("failures", "8");
        a.windowStart = timestamp - 120_000;
        a.windowEnd = timestamp;
        a.timestamp = timestamp;
        a.count = 8;
        a.id = AlertIds.of(a.ruleId, a.ruleVersion, a.groupKey(), a.windowStart);
        return a;
    }

    /** The suppression update the engine emits for a repeat of {@code a}. */
    public static Alert update(Alert a, long count, long lastSeen) {
        Alert u = alert(a.departmentId, a.entity.get("source.ip"), a.timestamp);
        u.id = a.id;
        u.windowStart = a.windowStart;
        u.update = true;
        u.count = count;
        u.suppressedCount = count - 1;
        u.lastSeen = lastSeen;
        u.windowEnd = lastSeen;
        return u;
    }

    public static ObjectNode get(ElasticsearchClient client, String index, String id)
            throws IOException {
        var r = client.get(g -> g.index(index).id(id), ObjectNode.class);
        return r.found() ? r.source() : null;
    }

    public static long count(ElasticsearchClient client, String index) throws IOException {
        client.indices().refresh(r -> r.index(index).ignoreUnavailable(true).allowNoIndices(true));
        return client.count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true))
                .count();
    }

    /** A processing-time service whose timers never fire: the test drives flushes itself. */
    public static ProcessingTimeService manualTime() {
        return new ProcessingTimeService() {
            @Override
            public long getCurrentProcessingTime() {
                return System.currentTimeMillis();
            }

            @Override
            public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback target) {
                return new NeverFires();
            }
        };
    }

    private static final class NeverFires implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return Long.MAX_VALUE;
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed o) {
            return 0;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("never fires");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("never fires");
        }
    }

    public static <T> List<T> listOf(Iterable<T> it) {
        List<T> l = new ArrayList<>();
        it.forEach(l::add);
        return l;
    }
}
