package org.socengine.cli.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/**
 * The real Elasticsearch alert sink ({@link AlertIndexer}), flushing as it does in the job (its
 * {@code flush} interval the indexer's default unless the benchmark says otherwise), which tells
 * this sink when the bulk request carrying each alert returned: the end point of the detection
 * latency.
 *
 * <p>Detection latency of an alert = the wall-clock time the bulk request carrying it returned,
 * minus the Kafka append time of its newest evidence event (looked up in {@link AppendTimes} by the
 * event's raw text). Suppression updates of an existing alert are not new detections and are not
 * measured. Results land in static counters: in local mode the job runs in the benchmark's JVM.
 */
public final class MeasuredAlertSink implements Sink<Alert> {

    /** What the sink saw, for the benchmark's report. */
    public static final class Results {
        public final AtomicLong created = new AtomicLong();
        public final AtomicLong updates = new AtomicLong();
        public final AtomicLong duplicates = new AtomicLong();
        public final AtomicLong unmatched = new AtomicLong();
        public final ConcurrentHashMap<String, Boolean> ids = new ConcurrentHashMap<>();

        /**
         * Wall-clock time of the 10 % mark of a live run's input: alerts on evidence appended after
         * it are past the job's start-up (JIT, first indices), like the throughput's span.
         */
        public final AtomicLong steadyFrom = new AtomicLong(Long.MIN_VALUE);

        /** New alerts by rule name, variants counted with the rule they come from. */
        public final ConcurrentHashMap<String, AtomicLong> byRule = new ConcurrentHashMap<>();

        final List<Long> latencies = new ArrayList<>();
        final List<Trace> traces = new ArrayList<>();

        /** Each measured alert's times, in the order they were indexed. */
        public synchronized List<Trace> traces() {
            return new ArrayList<>(traces);
        }

        public synchronized long[] latencies() {
            return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        synchronized void add(Trace t) {
            latencies.add(t.indexed() - t.appended());
            traces.add(t);
        }

        public synchronized void reset() {
            created.set(0);
            updates.set(0);
            duplicates.set(0);
            unmatched.set(0);
            ids.clear();
            byRule.clear();
            latencies.clear();
            traces.clear();
            WAITING.clear();
            steadyFrom.set(Long.MIN_VALUE);
        }
    }

    /**
     * Where one alert's latency went, wall-clock epoch milliseconds except {@code eventTime}: the
     * Kafka append of its newest evidence event, that event's own time (the watermark must pass it
     * before it is evaluated), the alert's arrival at the sink (after the watermark wait and the
     * detector), and the return of the bulk request that indexed it.
     */
    public record Trace(
            String rule, boolean late, long eventTime, long appended, long atSink, long indexed) {

        /** Tab-separated, the columns of {@link #HEADER}. */
        public String tsv() {
            return String.join(
                    "\t",
                    rule.replace('\t', ' '),
                    String.valueOf(late),
                    String.valueOf(eventTime),
                    String.valueOf(appended),
                    String.valueOf(atSink),
                    String.valueOf(indexed),
                    String.valueOf(appended - eventTime),
                    String.valueOf(atSink - appended),
                    String.valueOf(indexed - atSink),
                    String.valueOf(indexed - appended));
        }

        public static final String HEADER =
                "rule\tlate\tevent_time\tappended\tat_sink\tindexed"
                        + "\tappend_minus_event_ms\tto_sink_ms\tsink_ms\tlatency_ms";
    }

    public static final Results RESULTS = new Results();

    /** A new alert at the sink, waiting for its bulk request to return. */
    private record Arrival(String rule, boolean late, long eventTime, long appended, long atSink) {}

    private static final ConcurrentHashMap<String, Arrival> WAITING = new ConcurrentHashMap<>();

    private final ElasticsearchSettings settings;
    private final long flushMillis;

    public MeasuredAlertSink(ElasticsearchSettings settings, Duration flush) {
        this.settings = settings;
        this.flushMillis = flush.toMillis();
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
        AlertIndexer indexer =
                AlertIndexer.builder()
                        .settings(settings)
                        .flushInterval(Duration.ofMillis(flushMillis))
                        .onIndexed(MeasuredAlertSink::indexed)
                        .build();
        return new Writer(indexer.createWriter(context));
    }

    /** The end point: the bulk request that carried the alert has returned. */
    private static void indexed(String alertId, boolean update, long at) {
        if (update) {
            return;
        }
        Arrival a = WAITING.remove(alertId);
        if (a != null) {
            RESULTS.add(new Trace(a.rule(), a.late(), a.eventTime(), a.appended(), a.atSink(), at));
        }
    }

    private static final class Writer implements SinkWriter<Alert> {
        private final SinkWriter<Alert> delegate;

        Writer(SinkWriter<Alert> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(Alert alert, Context context) throws IOException, InterruptedException {
            if (alert.update) {
                RESULTS.updates.incrementAndGet();
            } else {
                arrived(alert);
            }
            delegate.write(alert, context);
        }

        private static void arrived(Alert alert) {
            long atSink = System.currentTimeMillis();
            RESULTS.created.incrementAndGet();
            if (alert.meta) {
                // A rule quarantined or throttled: which limit, for the report.
                System.err.printf(
                        "soc bench: %s: %s (measured %s, allowed %s)%n",
                        alert.ruleName,
                        alert.details.getOrDefault("reason", alert.details.toString()),
                        alert.details.get("measured"),
                        alert.details.get("allowed"));
            }
            RESULTS.byRule
                    .computeIfAbsent(
                            alert.ruleName == null
                                    ? "?"
                                    : RuleVariants.originalName(alert.ruleName),
                            k -> new AtomicLong())
                    .incrementAndGet();
            if (RESULTS.ids.putIfAbsent(alert.id, Boolean.TRUE) != null) {
                RESULTS.duplicates.incrementAndGet();
                return;
            }
            AppendTimes book = AppendTimes.get();
            long newest = -1;
            long eventTime = Long.MIN_VALUE;
            for (SecurityEvent e : alert.evidence) {
                if (e.event != null && e.event.original != null) {
                    long appended = book.appendTime(e.event.original);
                    if (appended > newest) {
                        newest = appended;
                        eventTime = e.timestamp;
                    }
                }
            }
            if (newest < 0) {
                RESULTS.unmatched.incrementAndGet();
                return;
            }
            WAITING.put(
                    alert.id,
                    new Arrival(
                            alert.ruleName == null ? "?" : alert.ruleName,
                            alert.late,
                            eventTime,
                            newest,
                            atSink));
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
