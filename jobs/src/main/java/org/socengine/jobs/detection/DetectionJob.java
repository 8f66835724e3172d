package org.socengine.jobs.detection;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.MultipleInputTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.intel.Indicator;
import org.socengine.jobs.intel.IntelEnrichment;
import org.socengine.jobs.intel.IntelUpdate;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;

/**
 * The detection job: raw records → decode (bad records to the dead-letter sink), with event time
 * per Kafka partition → enrich with threat intelligence (indicators broadcast from {@code
 * soc.intel}) → route to rule key families → Esper on event time → alerts to every alert sink. Rule
 * deployments and analysts' status changes arrive on a control stream broadcast to the decode step,
 * which passes them to the router in their place among the events; the router hands each of them to
 * one detection subtask, its own. Indicator updates take the same way to the enrichment.
 *
 * <p>The job takes its source, control stream and sinks as parameters, so the same topology runs on
 * Kafka and Elasticsearch in production, on a bounded file replay in {@code ./soc detect}, and on
 * collecting sinks in tests.
 */
public final class DetectionJob {

    private DetectionJob() {}

    /** The streams the topology produced, for callers that attach more sinks or assertions. */
    public record Streams(
            DataStream<Alert> alerts,
            DataStream<DeadLetter> deadLetters,
            DataStream<RuleStatus> ruleStatuses) {}

    /** Sends a routed record to the detection subtask the router chose for it. */
    static final class RoutedTarget implements Partitioner<Integer>, KeySelector<Routed, Integer> {
        @Override
        public Integer getKey(Routed r) {
            return r.target;
        }

        @Override
        public int partition(Integer target, int numPartitions) {
            return target;
        }
    }

    public static Streams build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            RecordDecoder decoder,
            List<CompiledRule> rules,
            DataStream<Control> control,
            List<Sink<Alert>> alertSinks,
            Sink<DeadLetter> deadLetterSink,
            DetectionJobOptions options) {
        return build(
                env, source, decoder, rules, control, null, alertSinks, deadLetterSink, options);
    }

    /**
     * @param intel updates of the indicators ({@code soc.intel}), or null for none
     */
    public static Streams build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            RecordDecoder decoder,
            List<CompiledRule> rules,
            DataStream<Control> control,
            DataStream<IntelUpdate> intel,
            List<Sink<Alert>> alertSinks,
            Sink<DeadLetter> deadLetterSink,
            DetectionJobOptions options) {
        DataStream<RawRecord> raw =
                env.fromSource(
                                source,
                                readingPace(options),
                                "raw records",
                                SerializerTypeInfo.rawRecords())
                        .uid("raw-source")
                        .setParallelism(options.parallelism());
        return build(
                raw,
                decoder,
                rules,
                control,
                intel,
                List.of(),
                alertSinks,
                deadLetterSink,
                options);
    }

    /**
     * The Kafka source's pace: partitions read no more than {@code maxPartitionDrift} ahead of each
     * other in Kafka time (Flink's split-level watermark alignment), or as fast as each goes.
     *
     * <p>Why: event time is the least of the partitions' ({@link PartitionWatermarks}), so whatever
     * a partition reads ahead of the slowest waits in the detector. Catching up on a backlog, a
     * consumer reads every partition at the same bytes per fetch, and a quiet topic's fetch spans
     * minutes of its time where a busy one's spans seconds: without a pace, the quiet topics' whole
     * backlog ended up waiting in memory. Kafka time, not event time, because it is known without
     * decoding and no device's clock can make it wrong; these watermarks only pace the reader and
     * go no further than the decode step. A partition with nothing new for the idle timeout does
     * not hold the others.
     */
    public static WatermarkStrategy<RawRecord> readingPace(DetectionJobOptions options) {
        if (options.maxPartitionDrift().isZero()) {
            return WatermarkStrategy.noWatermarks();
        }
        return WatermarkStrategy.<RawRecord>forMonotonousTimestamps()
                .withTimestampAssigner(
                        (r, kafkaTimestamp) ->
                                r.kafkaTimestamp > 0 ? r.kafkaTimestamp : kafkaTimestamp)
                .withIdleness(options.idleness())
                .withWatermarkAlignment(
                        "soc-raw-records", options.maxPartitionDrift(), Duration.ofSeconds(1));
    }

    /** The same topology on a stream of raw records the caller made (file replays, tests). */
    public static Streams build(
            DataStream<RawRecord> raw,
            RecordDecoder decoder,
            List<CompiledRule> rules,
            DataStream<Control> control,
            List<Sink<Alert>> alertSinks,
            Sink<DeadLetter> deadLetterSink,
            DetectionJobOptions options) {
        return build(
                raw, decoder, rules, control, null, List.of(), alertSinks, deadLetterSink, options);
    }

    /**
     * The same topology with threat intelligence.
     *
     * @param intel updates of the indicators ({@code soc.intel}), or null for none
     * @param indicators indicators in effect from the first event ({@code ./soc detect --intel})
     */
    public static Streams build(
            DataStream<RawRecord> raw,
            RecordDecoder decoder,
            List<CompiledRule> rules,
            DataStream<Control> control,
            DataStream<IntelUpdate> intel,
            List<Indicator> indicators,
            List<Sink<Alert>> alertSinks,
            Sink<DeadLetter> deadLetterSink,
            DetectionJobOptions options) {
        StreamExecutionEnvironment env = raw.getExecutionEnvironment();
        // Without it, every record is deep-copied through its serializer between chained
        // operators (source → decode → watermarks, detect → sinks). Safe here: no operator changes
        // a record after emitting it or keeps one it received from a chained predecessor and
        // then mutates it, and network inputs always deserialize into fresh objects.
        env.getConfig().enableObjectReuse();
        RuleFamilies families = RuleFamilies.of(rules);
        // Without indicators and without updates (a replay without --intel, tests) there is
        // nothing to mark: the step would only cost every event an index lookup.
        boolean enrich = intel != null || !indicators.isEmpty();
        // A job without a control stream, without indicator updates and without checkpoints (a
        // bounded replay, ./soc detect) never changes its rules or indicators and is never
        // restored: its router takes events only. Every other job takes the control messages and
        // the updates through its decode step.
        boolean replay =
                control == null
                        && intel == null
                        && !env.getCheckpointConfig().isCheckpointingEnabled();
        SingleOutputStreamOperator<Routed> routed;
        DataStream<DeadLetter> dead;
        if (replay) {
            // Event time is assigned in the decode step, per Kafka partition (PartitionWatermarks).
            SingleOutputStreamOperator<SecurityEvent> decoded =
                    raw.transform(
                                    DECODE_NAME,
                                    SerializerTypeInfo.events(),
                                    DecodeOperator.of(decoder, options))
                            .uid("decode")
                            .setParallelism(options.parallelism());
            dead = decoded.getSideOutput(DecodeOperator.DEAD_LETTERS);
            DataStream<SecurityEvent> enriched = decoded;
            if (enrich) {
                SingleOutputStreamOperator<SecurityEvent> marked =
                        enrichStep(
                                decoded,
                                IntelEnrichment.ofEvents(indicators),
                                SerializerTypeInfo.events(),
                                options);
                dead = dead.union(marked.getSideOutput(IntelEnrichment.DEAD_LETTERS));
                enriched = marked;
            }
            routed = routeStep(enriched, new ReplayRuleRouter(families), options);
        } else {
            MultipleInputTransformation<Routed> decodeStep =
                    new MultipleInputTransformation<>(
                            DECODE_NAME,
                            DecodeWithControlsOperator.factory(decoder, options, intel != null),
                            SerializerTypeInfo.routed(),
                            options.parallelism());
            decodeStep.addInput(raw.getTransformation());
            DataStream<Control> controls = control != null ? control : ControlStreams.none(env);
            decodeStep.addInput(controls.broadcast().getTransformation());
            if (intel != null) {
                decodeStep.addInput(intel.broadcast().getTransformation());
            }
            decodeStep.setUid("decode");
            env.addOperator(decodeStep);
            DataStream<Routed> front = new DataStream<>(env, decodeStep);
            dead =
                    new DataStream<>(
                            env,
                            new SideOutputTransformation<>(
                                    decodeStep, DecodeOperator.DEAD_LETTERS));
            if (enrich) {
                SingleOutputStreamOperator<Routed> marked =
                        enrichStep(
                                front,
                                new IntelEnrichment<Routed>(indicators, r -> r.event, r -> r.intel),
                                SerializerTypeInfo.routed(),
                                options);
                dead = dead.union(marked.getSideOutput(IntelEnrichment.DEAD_LETTERS));
                front = marked;
            }
            // One input, as the enrichment's: both chain with the decode step.
            routed = routeStep(front, new RuleRouter(families), options);
        }
        // At parallelism 1 the detector runs in the router's chain: events reach Esper as the
        // objects the decoder made. Otherwise each record goes to the subtask the router chose.
        DataStream<Routed> toDetect =
                options.parallelism() == 1
                        ? routed
                        : routed.partitionCustom(new RoutedTarget(), new RoutedTarget());
        EsperDetectionOperator detector =
                new EsperDetectionOperator(
                        rules,
                        // The budget is AlertBudgetFunction's, below; the detector keeps none,
                        // so its checkpoints hold none.
                        0,
                        options.ruleLimits(),
                        DetectionEngine.DEFAULT_CPU_SAMPLE_EVERY,
                        options.idleAdvance().toMillis());
        detector.withRetainedCheckpoints(
                Math.max(
                        options.retainedCheckpoints(),
                        env.getConfiguration()
                                .get(
                                        org.apache.flink.configuration.CheckpointingOptions
                                                .MAX_RETAINED_CHECKPOINTS)));
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            // A bounded replay without checkpoints (./soc detect) is never restored.
            detector.withoutRestoreHorizon();
        }
        SingleOutputStreamOperator<Alert> detected =
                toDetect.transform(
                                "detect (Esper, " + families.ruleCount() + " rules)",
                                SerializerTypeInfo.alerts(),
                                detector)
                        .uid("detect")
                        .setParallelism(options.parallelism())
                        // Alerts are few: each leaves for the budget and the sink at once instead
                        // of waiting for the network buffer's 100 ms flush.
                        .setBufferTimeout(0);
        DataStream<Alert> alerts =
                detected.keyBy(AlertBudgetFunction::keyOf)
                        .process(new AlertBudgetFunction(options.alertBudgetPerHour()))
                        .returns(SerializerTypeInfo.alerts())
                        .name("alert budget per rule and department")
                        .uid("alert-budget")
                        .setParallelism(options.parallelism());

        for (int i = 0; i < alertSinks.size(); i++) {
            alerts.sinkTo(alertSinks.get(i))
                    .name("alerts → " + alertSinks.get(i).getClass().getSimpleName())
                    .uid("alert-sink-" + i);
        }
        if (deadLetterSink != null) {
            dead.sinkTo(deadLetterSink).name("dead letters → soc.dlq").uid("dlq-sink");
        }
        return new Streams(
                alerts, dead, detected.getSideOutput(EsperDetectionOperator.RULE_STATUS));
    }

    /**
     * The enrichment, in either form of the job (events in a replay, routed records otherwise): one
     * name and uid, under which a restore finds its indicators.
     */
    private static <T> SingleOutputStreamOperator<T> enrichStep(
            DataStream<T> in,
            IntelEnrichment<T> enrichment,
            TypeInformation<T> type,
            DetectionJobOptions options) {
        return in.process(enrichment)
                .returns(type)
                .name(ENRICH_NAME)
                .uid("intel-enrich")
                .setParallelism(options.parallelism());
    }

    /** The router, in either form of the job: one name and uid, under which its state restores. */
    private static <T> SingleOutputStreamOperator<Routed> routeStep(
            DataStream<T> in, FlatMapFunction<T, Routed> router, DetectionJobOptions options) {
        return in.flatMap(router)
                .returns(SerializerTypeInfo.routed())
                .name(ROUTE_NAME)
                .uid("route")
                .setParallelism(options.parallelism());
    }

    private static final String DECODE_NAME = "decode, attribute, event time per partition";
    private static final String ENRICH_NAME = "enrich with threat intelligence";
    private static final String ROUTE_NAME = "route to rule families";
}
