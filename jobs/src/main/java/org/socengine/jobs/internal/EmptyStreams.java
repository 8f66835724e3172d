package org.socengine.jobs.internal;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A typed stream that never carries a record, for a job's optional inputs (rule updates,
 * indicators) when nothing feeds them: bounded replays and tests. Its shape (a one-number source, a
 * filter that drops it, a typed map with the given uid) is what savepoints taken so far hold, so it
 * stays as it is.
 */
public final class EmptyStreams {

    private EmptyStreams() {}

    public static <T> DataStream<T> of(
            StreamExecutionEnvironment env, Class<T> type, String name, String uid) {
        return env.fromSequence(0, 0)
                .filter(i -> false)
                .map(i -> type.cast(null))
                .returns(TypeInformation.of(type))
                .name(name)
                .uid(uid)
                .setParallelism(1);
    }
}
