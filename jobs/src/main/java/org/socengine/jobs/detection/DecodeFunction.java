package org.socengine.jobs.detection;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.DecodeMetrics;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.model.SecurityEvent;

/**
 * Decodes raw records into events; a record that cannot be decoded leaves on the dead-letter side
 * output with its reason and origin. Counts received, decoded, dead-lettered (by reason) and
 * skipped records per source, so that received = decoded + dead-lettered + skipped can be checked.
 */
public final class DecodeFunction extends ProcessFunction<RawRecord, SecurityEvent> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>(
                    "dead-letters",
                    org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));

    private final RecordDecoder decoder;
    private transient Map<String, Counter> counters;
    private transient MetricGroup metrics;
    private transient DecodeMetrics decodeMetrics;

    public DecodeFunction(RecordDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new HashMap<>();
        metrics = getRuntimeContext().getMetricGroup();
        decodeMetrics = new DecodeMetrics(SocMetrics.registry());
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<SecurityEvent> out) {
        String source = record.source == null ? "unknown" : record.source;
        count(source, "received");
        RecordDecoder.Outcome o =
                decoder.decode(record, ctx.timerService().currentProcessingTime());
        decodeMetrics.record(record, o);
        if (o.event() != null) {
            count(source, "decoded");
            out.collect(o.event());
        } else if (o.deadLetter() != null) {
            count(source, "deadLettered");
            count(source, "deadLettered." + o.deadLetter().reasonCode);
            ctx.output(DEAD_LETTERS, o.deadLetter());
        } else {
            count(source, "skipped");
        }
    }

    private void count(String source, String what) {
        counters.computeIfAbsent(
                        source + "." + what, k -> metrics.addGroup("source", source).counter(what))
                .inc();
    }
}
