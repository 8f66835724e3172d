package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.detection.SocPipelines;
import org.socengine.jobs.escalation.EscalationJobMain;
import org.socengine.jobs.escalation.EscalationJobOptions;
import org.socengine.jobs.escalation.EscalationPolicy;

/**
 * Every operator of both production jobs has an explicit, stable uid: state in a checkpoint or
 * savepoint is matched to operators by uid, and a generated one changes when the graph around it
 * changes, so the next version of the jar would start without that operator's state (or refuse to
 * start). Builds the graphs exactly as {@code DetectionJobMain} and {@code EscalationJobMain} do.
 */
class OperatorUidTest {

    private static final KafkaSettings KAFKA = KafkaSettings.builder("127.0.0.1:9").build();
    private static final ElasticsearchSettings ES = ElasticsearchSettings.of("http://127.0.0.1:9");

    @Test
    void everyOperatorOfTheDetectionJobHasAUid() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SocPipelines.detection(
                env,
                KAFKA,
                ES,
                List.of(),
                "uid-test",
                OffsetsInitializer.earliest(),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                RuleSets.compileAll(Path.of("..", "rules", "detections")),
                DetectionJobOptions.defaults(),
                0);
        assertEveryNodeHasAUid(env.getStreamGraph(false));
    }

    @Test
    void everyOperatorOfTheEscalationJobHasAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EscalationPolicy policy = EscalationPolicy.bundled();
        EscalationJobMain.kafka(
                env,
                KAFKA,
                ES,
                "uid-test",
                OffsetsInitializer.earliest(),
                policy,
                // The delivering operator has its uid (NotificationDispatcher.UID); the sample
                // policy's channels are not what a dispatcher could be built from here.
                (notifications, policies) -> {
                    notifications
                            .sinkTo(
                                    new org.apache.flink.streaming.api.functions.sink.v2
                                            .DiscardingSink<>())
                            .uid("uid-test-notifications");
                    return null;
                },
                EscalationJobOptions.defaults());
        assertEveryNodeHasAUid(env.getStreamGraph(false));
    }

    private static void assertEveryNodeHasAUid(StreamGraph graph) {
        List<String> missing =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getTransformationUID() == null)
                        .map(StreamNode::getOperatorName)
                        .toList();
        assertThat(missing).as("operators without .uid(...)").isEmpty();
        List<String> uids =
                graph.getStreamNodes().stream().map(StreamNode::getTransformationUID).toList();
        assertThat(uids).as("uids").doesNotHaveDuplicates();
        assertThat(graph.getStreamNodes()).hasSizeGreaterThan(5);
    }
}
