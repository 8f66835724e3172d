package org.socengine.connectors.kafka;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How to reach Kafka: the bootstrap servers and any client properties (TLS, SASL). Secret values
 * never appear in {@link #toString()}.
 */
public final class KafkaSettings implements Serializable {

    private final String bootstrapServers;
    private final Map<String, String> properties;

    public KafkaSettings(String bootstrapServers, Map<String, String> properties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required");
        }
        this.bootstrapServers = bootstrapServers;
        this.properties = new TreeMap<>(properties);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties, bootstrap servers included. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    public Map<String, String> properties() {
        return properties;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("jaas")
                || k.contains("secret")
                || k.endsWith(".key");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KafkaSettings{bootstrap=").append(bootstrapServers);
        properties.forEach(
                (k, v) -> sb.append(", ").append(k).append('=').append(isSecret(k) ? "******" : v));
        return sb.append('}').toString();
    }
}
