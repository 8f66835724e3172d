package org.socengine.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it receives in memory, for jobs running in the test's own JVM (a
 * MiniCluster). Each instance has its own list, found by id, because Flink serializes the sink.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final Map<String, List<Object>> VALUES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
        VALUES.put(id, new CopyOnWriteArrayList<>());
    }

    @SuppressWarnings("unchecked")
    public List<T> values() {
        return new ArrayList<>((List<T>) (List<?>) VALUES.get(id));
    }

    public void clear() {
        VALUES.get(id).clear();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> target = VALUES.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                target.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
