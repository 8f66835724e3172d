package org.socengine.jobs.detection;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.elasticsearch.sink.AlertStatusSink;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.jobs.internal.ConsumerLagProbe;
import org.socengine.rules.engine.CompiledRule;

/**
 * The production wiring of the detection job on Kafka and Elasticsearch: raw topics in, alerts to
 * the alert index (refused documents to {@code soc.dlq}) and to {@code soc.alerts}, bad records to
 * {@code soc.dlq}, rules and analysts' status changes on the control stream, and status changes
 * written back to the alert documents.
 */
public final class SocPipelines {

    private SocPipelines() {}

    public static void detection(
            StreamExecutionEnvironment env,
            KafkaSettings kafka,
            ElasticsearchSettings es,
            List<String> rawTopics,
            String groupId,
            OffsetsInitializer start,
            RecordDecoder decoder,
            List<CompiledRule> rules,
            DetectionJobOptions options,
            int retentionMonths) {
        DetectionJob.Streams streams =
                DetectionJob.build(
                        env,
                        SocKafka.rawSource(kafka, rawTopics, groupId, start),
                        decoder,
                        rules,
                        ControlStreams.fromKafka(env, kafka, groupId),
                        org.socengine.jobs.intel.IntelStreams.fromKafka(env, kafka, groupId),
                        List.of(
                                AlertIndexer.builder()
                                        .settings(es)
                                        // Refused alerts take the decoders' dead-letter path.
                                        .refusedAlertsTo(SocKafka.deadLetterSink(kafka))
                                        .retentionMonths(retentionMonths)
                                        .build(),
                                SocKafka.alertSink(kafka)),
                        SocKafka.deadLetterSink(kafka),
                        options);
        // Rules the detectors quarantined, beside what the rule compiler reports.
        streams.ruleStatuses()
                .sinkTo(ControlStreams.statusSink(kafka))
                .name("quarantined rules → soc.rules.status")
                .uid("detector-rule-status-sink");
        // Changes published by other tools reach the documents too; the CLI's own are no-ops here.
        var statusChanges =
                env.fromSource(
                                SocKafka.alertStatusSource(
                                        kafka,
                                        groupId + "-status-writer",
                                        OffsetsInitializer.committedOffsets(
                                                OffsetResetStrategy.EARLIEST)),
                                WatermarkStrategy.noWatermarks(),
                                "soc.alert-status → documents")
                        .uid("alert-status-writer-source")
                        .setParallelism(1);
        // One subtask for the whole job: the raw topics' consumer lag is measured once.
        statusChanges
                .map(new ConsumerLagProbe<>(kafka, groupId, rawTopics, Duration.ofSeconds(10)))
                .returns(statusChanges.getType())
                .name("consumer lag of " + groupId + " (metrics)")
                .uid("consumer-lag-probe")
                .setParallelism(1)
                .sinkTo(new AlertStatusSink(es))
                .name("alert status → Elasticsearch")
                .uid("alert-status-writer")
                .setParallelism(1);
    }
}
