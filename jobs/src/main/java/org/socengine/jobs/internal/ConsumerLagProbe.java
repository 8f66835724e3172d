package org.socengine.jobs.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.socengine.connectors.kafka.ConsumerLag;
import org.socengine.connectors.kafka.KafkaSettings;

/**
 * Hosts the {@link ConsumerLag} of a job's consumer group on one subtask: a pass-through the job
 * puts on a one-subtask stream, so that the job measures its own lag wherever Flink runs it (the
 * embedded cluster, a task manager of a session cluster, Kubernetes), once per job.
 */
public final class ConsumerLagProbe<T> extends RichMapFunction<T, T> {

    private static final long serialVersionUID = 1L;

    private final KafkaSettings kafka;
    private final String group;
    private final ArrayList<String> topics;
    private final Duration interval;
    private transient ConsumerLag lag;

    public ConsumerLagProbe(
            KafkaSettings kafka, String group, List<String> topics, Duration interval) {
        this.kafka = kafka;
        this.group = group;
        this.topics = topics == null ? new ArrayList<>() : new ArrayList<>(topics);
        this.interval = interval;
    }

    @Override
    public void open(OpenContext context) {
        lag = new ConsumerLag(kafka, group, topics, SocMetrics.registry());
        ExportedRegistry.register(getRuntimeContext().getMetricGroup());
        lag.start(interval);
    }

    @Override
    public T map(T value) {
        return value;
    }

    @Override
    public void close() {
        if (lag != null) {
            lag.close();
        }
    }
}
