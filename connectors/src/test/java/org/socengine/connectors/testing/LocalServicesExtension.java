package org.socengine.connectors.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.socengine.local.LocalElasticsearch;
import org.socengine.local.LocalKafka;
import org.socengine.local.LocalServices;
import org.socengine.local.WorkDirs;

/**
 * Starts the real Kafka broker and Elasticsearch node once per test JVM (one Failsafe run) and
 * stops them when the JVM's tests are done, however they ended. Test classes share them: each uses
 * its own topics and indices.
 *
 * <pre>{@code
 * @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();
 * }</pre>
 */
public final class LocalServicesExtension implements BeforeAllCallback {

    private static final String KEY = LocalServices.class.getName();

    private LocalServices services;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ExtensionContext.Store store =
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        Holder holder =
                store.getOrComputeIfAbsent(
                        KEY,
                        k -> {
                            try {
                                Path work = WorkDirs.defaultWorkDir();
                                return new Holder(LocalServices.start(work, 2));
                            } catch (Exception e) {
                                throw new IllegalStateException(
                                        "cannot start local services: " + e.getMessage(), e);
                            }
                        },
                        Holder.class);
        services = holder.services;
    }

    public LocalKafka kafka() {
        return services.kafka();
    }

    public LocalElasticsearch elasticsearch() {
        return services.elasticsearch();
    }

    public String bootstrapServers() {
        return services.kafka().bootstrapServers();
    }

    public String elasticsearchUrl() {
        return services.elasticsearch().url();
    }

    /** A producer of string keys and values on the shared broker. */
    public org.apache.kafka.clients.producer.KafkaProducer<String, String> stringProducer() {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put(
                "key.serializer",
                org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.put(
                "value.serializer",
                org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.put("linger.ms", 5);
        return new org.apache.kafka.clients.producer.KafkaProducer<>(p);
    }

    /** A consumer of string keys and values in its own group, reading from the earliest offset. */
    public org.apache.kafka.clients.consumer.KafkaConsumer<String, String> stringConsumer(
            String offsetReset) {
        java.util.Properties c = new java.util.Properties();
        c.put("bootstrap.servers", bootstrapServers());
        c.put("group.id", "it-" + java.util.UUID.randomUUID());
        c.put("auto.offset.reset", offsetReset);
        c.put(
                "key.deserializer",
                org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        c.put(
                "value.deserializer",
                org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        return new org.apache.kafka.clients.consumer.KafkaConsumer<>(c);
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final LocalServices services;

        Holder(LocalServices services) {
            this.services = services;
        }

        @Override
        public void close() {
            services.close();
        }
    }
}
