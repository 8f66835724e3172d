package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorKind;
import org.socengine.jobs.intel.IntelUpdate;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.rules.engine.CompiledRule;

/**
 * A bounded replay (no control stream, no checkpoints: {@code ./soc detect}) decodes, routes and
 * detects in one chain, so an event is never serialized between them; so does a job with a control
 * stream or with checkpoints, whose decode step also takes the control messages ({@link
 * DecodeWithControlsOperator}).
 */
class ReplayChainingTest {

    private static final List<CompiledRule> RULES = rules();

    private static List<CompiledRule> rules() {
        try {
            return RuleSets.compileAll(Path.of("..", "rules", "detections", "syslog"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JobGraph graph(boolean checkpoints, boolean controls) {
        return graph(checkpoints, controls, false, false);
    }

    private static JobGraph graph(
            boolean checkpoints, boolean controls, boolean updates, boolean indicators) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        if (checkpoints) {
            env.enableCheckpointing(60_000);
        }
        RecordDecoder decoder = RuleSets.defaultDecoder();
        DataStream<RawRecord> raw =
                env.fromData(TypeInformation.of(RawRecord.class), RawRecord.of("syslog", "x"))
                        .name("raw records")
                        .uid("raw");
        DetectionJob.build(
                raw,
                decoder,
                RULES,
                controls ? ControlStreams.none(env) : null,
                updates
                        ? env.fromData(
                                        TypeInformation.of(IntelUpdate.class),
                                        IntelUpdate.delete("ipv4:203.0.113.9"))
                                .name("indicator updates")
                        : null,
                indicators
                        ? List.of(Indicator.of(IndicatorKind.IP, "203.0.113.7", "test", 80))
                        : List.of(),
                List.of(),
                null,
                DetectionJobOptions.defaults());
        return env.getStreamGraph().getJobGraph();
    }

    private static JobVertex vertexOf(JobGraph g, String operatorNamePart) {
        for (JobVertex v : g.getVertices()) {
            if (v.getName().contains(operatorNamePart)) {
                return v;
            }
        }
        throw new AssertionError("no vertex with " + operatorNamePart);
    }

    @Test
    void aReplayDecodesRoutesAndDetectsInOneChain() {
        JobGraph g = graph(false, false);
        JobVertex decode = vertexOf(g, "decode");
        assertThat(decode.getName()).contains("route to rule families").contains("detect (Esper");
    }

    @Test
    void aRunningJobChainsItsDecodeStepRouterAndDetectorToo() {
        for (boolean[] c : new boolean[][] {{true, false}, {false, true}, {true, true}}) {
            JobGraph g = graph(c[0], c[1]);
            JobVertex decode = vertexOf(g, "decode");
            assertThat(decode.getName())
                    .contains("route to rule families")
                    .contains("detect (Esper");
            // The raw records and the control messages (broadcast).
            assertThat(decode.getNumberOfInputs()).isEqualTo(2);
        }
    }

    @Test
    void threatIntelligenceChainsWithTheDecodeStep() {
        JobGraph g = graph(true, true, true, false);
        JobVertex decode = vertexOf(g, "decode");
        assertThat(decode.getName())
                .contains("enrich with threat intelligence")
                .contains("route to rule families")
                .contains("detect (Esper");
        // The raw records, the control messages and the indicator updates (both broadcast).
        assertThat(decode.getNumberOfInputs()).isEqualTo(3);
    }

    @Test
    void aReplayWithIndicatorsButNoUpdatesChainsTheEnrichmentToo() {
        // ./soc detect --intel FILE
        JobVertex decode = vertexOf(graph(false, false, false, true), "decode");
        assertThat(decode.getName())
                .contains("enrich with threat intelligence")
                .contains("detect (Esper");
        assertThat(decode.getNumberOfInputs()).isZero();
    }
}
