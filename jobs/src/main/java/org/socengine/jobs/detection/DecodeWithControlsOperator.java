package org.socengine.jobs.detection;

import java.util.List;
import org.apache.flink.runtime.metrics.groups.TaskIOMetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractInput;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorV2;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.Input;
import org.apache.flink.streaming.api.operators.MultipleInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.intel.IntelUpdate;
import org.socengine.model.SecurityEvent;

/**
 * The running detection job's decode step: {@link DecodeOperator}'s work on the raw records (input
 * 1) and, in the same stream out, the control messages (input 2, broadcast): rule deployments and
 * removals, which the router needs in their place among the events; with threat intelligence, the
 * indicator updates of {@code soc.intel} too (input 3, broadcast), which the enrichment after this
 * step keeps ({@link org.socengine.jobs.intel.IntelEnrichment}).
 *
 * <p>Why: the router must see both, and Flink chains an operator to its predecessor only when it
 * has one input. With the control messages taken here, the router has one input and chains with
 * this step and, at parallelism 1, with the detector: an event reaches Esper as the object the
 * decoder made. The one thread boundary left is between the Kafka source and this step, where a raw
 * record (its bytes and where it came from) is far cheaper to pass than a decoded event, which the
 * two-input router made the decode thread serialize and the detector's read back
 * (docs/benchmarks.md, "The decode step takes the control messages"); the enrichment, which had the
 * updates as a second input, likewise. The source is not chained in: Flink can chain sources into
 * an operator of several inputs, but never triggers a checkpoint of a task that has another,
 * networked input besides (the control messages), so its checkpoints would never complete.
 *
 * <p>Event time comes from the raw records' partitions alone ({@link PartitionClock}); the control
 * messages and indicator updates are outside event time, so their watermarks and idleness are
 * ignored. Its state is the decode step's (the partitions' event time, under the same uid and
 * name).
 */
public final class DecodeWithControlsOperator extends AbstractStreamOperatorV2<Routed>
        implements MultipleInputStreamOperator<Routed> {

    private final RecordDecoder decoder;
    private final boolean intel;
    private final PartitionClock clock;
    private final TaskIOMetricGroup io;
    private final StreamRecord<Routed> reuse = new StreamRecord<>(null);
    private DecodeStep step;

    private DecodeWithControlsOperator(
            StreamOperatorParameters<Routed> parameters,
            RecordDecoder decoder,
            DetectionJobOptions options,
            boolean intel) {
        super(parameters, intel ? 3 : 2);
        this.decoder = decoder;
        this.intel = intel;
        this.io =
                parameters.getContainingTask().getEnvironment().getMetricGroup().getIOMetricGroup();
        this.clock = PartitionClock.ofDecodeStep(options);
    }

    /**
     * The factory of this operator for a job graph: a chain head, which the router (and the
     * enrichment) joins.
     *
     * @param intel whether it has the third input, the indicator updates
     */
    public static AbstractStreamOperatorFactory<Routed> factory(
            RecordDecoder decoder, DetectionJobOptions options, boolean intel) {
        return new Factory(decoder, options, intel);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // DecodeOperator's name: a job restored from a checkpoint of the one-input step keeps its
        // partitions' event time.
        clock.initializeState(
                context.getOperatorStateStore(),
                context.isRestored(),
                PartitionTimedOperator.PARTITION_STATE);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        clock.snapshotState();
    }

    @Override
    public void open() throws Exception {
        super.open();
        clock.open(
                output,
                getProcessingTimeService(),
                io,
                getMetricGroup(),
                getExecutionConfig().getAutoWatermarkInterval());
        step =
                new DecodeStep(
                        decoder,
                        clock.maxSkewMillis(),
                        clock::observe,
                        d -> output.collect(DecodeOperator.DEAD_LETTERS, new StreamRecord<>(d)),
                        getMetricGroup());
        step.open();
    }

    @Override
    public void close() throws Exception {
        if (step != null) {
            step.close();
        }
        clock.close();
        super.close();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List<Input> getInputs() {
        return intel
                ? List.of(new RawRecords(), new Controls(), new IndicatorUpdates())
                : List.of(new RawRecords(), new Controls());
    }

    /** Input 1: the raw records, decoded and timed. */
    private final class RawRecords extends AbstractInput<RawRecord, Routed> {
        RawRecords() {
            super(DecodeWithControlsOperator.this, 1);
        }

        @Override
        public void processElement(StreamRecord<RawRecord> element) {
            SecurityEvent e =
                    step.decode(
                            element.getValue(),
                            getProcessingTimeService().getCurrentProcessingTime());
            if (e != null) {
                output.collect(reuse.replace(Routed.unrouted(e), e.timestamp));
            }
        }

        @Override
        public void processWatermark(Watermark mark) {
            clock.processWatermark(mark);
        }

        @Override
        public void processWatermarkStatus(WatermarkStatus status) {
            // Idleness is decided per partition, by the clock.
        }
    }

    /** An input outside event time: its watermarks and idleness are ignored. */
    private abstract class OutsideEventTime<T> extends AbstractInput<T, Routed> {
        OutsideEventTime(int inputId) {
            super(DecodeWithControlsOperator.this, inputId);
        }

        @Override
        public void processWatermark(Watermark mark) {}

        @Override
        public void processWatermarkStatus(WatermarkStatus status) {}
    }

    /** Input 2: the control messages, passed on as they come. */
    private final class Controls extends OutsideEventTime<Control> {
        Controls() {
            super(2);
        }

        @Override
        public void processElement(StreamRecord<Control> element) {
            // The router addresses it to its own detection subtask.
            output.collect(new StreamRecord<>(Routed.control(0, element.getValue())));
        }
    }

    /** Input 3: the indicator updates, passed on as they come. */
    private final class IndicatorUpdates extends OutsideEventTime<IntelUpdate> {
        IndicatorUpdates() {
            super(3);
        }

        @Override
        public void processElement(StreamRecord<IntelUpdate> element) {
            output.collect(new StreamRecord<>(Routed.intel(element.getValue())));
        }
    }

    private static final class Factory extends AbstractStreamOperatorFactory<Routed> {
        private static final long serialVersionUID = 1L;

        private final RecordDecoder decoder;
        private final DetectionJobOptions options;
        private final boolean intel;

        Factory(RecordDecoder decoder, DetectionJobOptions options, boolean intel) {
            this.decoder = decoder;
            this.options = options;
            this.intel = intel;
            setChainingStrategy(ChainingStrategy.HEAD);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends StreamOperator<Routed>> T createStreamOperator(
                StreamOperatorParameters<Routed> parameters) {
            return (T) new DecodeWithControlsOperator(parameters, decoder, options, intel);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
            return DecodeWithControlsOperator.class;
        }
    }
}
