package org.socengine.cli.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/**
 * The real Elasticsearch alert sink ({@link AlertIndexer}) with the flush driven from outside, so
 * that the moment each bulk request returned is known: the end point of the detection latency. The
 * indexer's own flush timer is pushed out of the way; this writer flushes it every {@code flush}
 * (the indexer's default interval unless the benchmark says otherwise) and on every checkpoint and
 * at the end, as the indexer would. A full batch still flushes inside the indexer; alerts of such a
 * batch are stamped at the next flush, which can only overstate their latency.
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

        /** New alerts by rule name, variants counted with the rule they come from. */
        public final ConcurrentHashMap<String, AtomicLong> byRule = new ConcurrentHashMap<>();

        final List<Long> latencies = new ArrayList<>();

        public synchronized long[] latencies() {
            return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        synchronized void add(long l) {
            latencies.add(l);
        }

        public synchronized void reset() {
            created.set(0);
            updates.set(0);
            duplicates.set(0);
            unmatched.set(0);
            ids.clear();
            byRule.clear();
            latencies.clear();
        }
    }

    public static final Results RESULTS = new Results();

    private final ElasticsearchSettings settings;
    private final long flushMillis;

    public MeasuredAlertSink(ElasticsearchSettings settings, Duration flush) {
        this.settings = settings;
        this.flushMillis = flush.toMillis();
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
        AlertIndexer indexer =
                AlertIndexer.builder().settings(settings).flushInterval(Duration.ofDays(1)).build();
        return new Writer(indexer.createWriter(context), context.getProcessingTimeService());
    }

    private final class Writer implements SinkWriter<Alert> {
        private final SinkWriter<Alert> delegate;
        private final ProcessingTimeService timers;
        private final List<Alert> unstamped = new ArrayList<>();

        Writer(SinkWriter<Alert> delegate, ProcessingTimeService timers) {
            this.delegate = delegate;
            this.timers = timers;
            schedule();
        }

        private void schedule() {
            timers.registerTimer(
                    timers.getCurrentProcessingTime() + flushMillis,
                    t -> {
                        flushAndStamp(false);
                        schedule();
                    });
        }

        @Override
        public void write(Alert alert, Context context) throws IOException, InterruptedException {
            delegate.write(alert, context);
            if (alert.update) {
                RESULTS.updates.incrementAndGet();
                return;
            }
            RESULTS.created.incrementAndGet();
            RESULTS.byRule
                    .computeIfAbsent(
                            alert.ruleName == null
                                    ? "?"
                                    : RuleVariants.originalName(alert.ruleName),
                            k -> new AtomicLong())
                    .incrementAndGet();
            if (RESULTS.ids.putIfAbsent(alert.id, Boolean.TRUE) != null) {
                RESULTS.duplicates.incrementAndGet();
            }
            unstamped.add(alert);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            flushAndStamp(endOfInput);
        }

        private void flushAndStamp(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
            long now = System.currentTimeMillis();
            AppendTimes book = AppendTimes.get();
            for (Alert a : unstamped) {
                long newest = -1;
                for (SecurityEvent e : a.evidence) {
                    if (e.event != null && e.event.original != null) {
                        newest = Math.max(newest, book.appendTime(e.event.original));
                    }
                }
                if (newest < 0) {
                    RESULTS.unmatched.incrementAndGet();
                } else {
                    RESULTS.add(now - newest);
                }
            }
            unstamped.clear();
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
