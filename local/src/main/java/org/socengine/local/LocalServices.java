package org.socengine.local;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The local Kafka broker and Elasticsearch node of the embedded mode and the tests, started
 * together.
 */
public final class LocalServices implements AutoCloseable {

    private final LocalKafka kafka;
    private final LocalElasticsearch elasticsearch;

    private LocalServices(LocalKafka kafka, LocalElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    /** Starts both; if the second fails, the first is stopped before the error is thrown. */
    public static LocalServices start(Path workDir, int partitions) throws IOException {
        WorkDirs.ensure(workDir);
        LocalKafka kafka = LocalKafka.start(workDir);
        try {
            kafka.createStandardTopics(partitions);
            LocalElasticsearch es = LocalElasticsearch.start(workDir);
            return new LocalServices(kafka, es);
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalElasticsearch elasticsearch() {
        return elasticsearch;
    }

    @Override
    public void close() {
        try {
            elasticsearch.close();
        } finally {
            kafka.close();
        }
    }
}
