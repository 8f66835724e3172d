package org.socengine.connectors.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.enrich.DepartmentTrustPolicy;
import org.socengine.connectors.kafka.KafkaSettings;

/**
 * Connection settings from a properties file and the environment: an environment variable wins over
 * the file, an explicit value ({@link #with}, the command line's options) wins over both. Keys and
 * their variables:
 *
 * <pre>
 * es.url                    SOC_ES_URL                  default http://127.0.0.1:9200
 * es.user / es.password     SOC_ES_USER / SOC_ES_PASSWORD
 * es.api_key                SOC_ES_API_KEY
 * es.ca                     SOC_ES_CA                   PEM file of the cluster's CA
 * kafka.bootstrap           SOC_KAFKA
 * kafka.tls                 SOC_KAFKA_TLS               true: TLS with the JVM's trust store
 * kafka.ca                  SOC_KAFKA_CA                PEM file of the brokers' CA
 * kafka.truststore          SOC_KAFKA_TRUSTSTORE        JKS / PKCS12 / PEM trust store
 * kafka.truststore.password SOC_KAFKA_TRUSTSTORE_PASSWORD
 * kafka.truststore.type     SOC_KAFKA_TRUSTSTORE_TYPE
 * kafka.keystore            SOC_KAFKA_KEYSTORE          client certificate (mutual TLS)
 * kafka.keystore.password   SOC_KAFKA_KEYSTORE_PASSWORD
 * kafka.key.password        SOC_KAFKA_KEY_PASSWORD
 * kafka.sasl.mechanism      SOC_KAFKA_SASL_MECHANISM    PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
 * kafka.sasl.username       SOC_KAFKA_SASL_USERNAME
 * kafka.sasl.password       SOC_KAFKA_SASL_PASSWORD
 * kafka.property.&lt;name&gt;   (file only)                 any other Kafka client property
 * departments.file          SOC_DEPARTMENTS_FILE        department directory (id, name, ranges)
 * department.unattributed   SOC_DEPARTMENT_UNATTRIBUTED keep | dead_letter (default keep)
 * topic.&lt;topic&gt;.&lt;option&gt;  (file only)                 trust policy of a raw topic:
 *                                                       trust_header, unattributed
 * </pre>
 *
 * The last three are the department trust policy ({@link DepartmentTrustPolicy}, docs/sources.md).
 *
 * <p>Secret values never appear in {@link #toString()} or in error messages.
 */
public final class SocConfig {

    public static final String DEFAULT_ES_URL = "http://127.0.0.1:9200";

    private final Map<String, String> values;

    private SocConfig(Map<String, String> values) {
        this.values = values;
    }

    /** The file (may be null) overlaid with this process's environment. */
    public static SocConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    public static SocConfig load(Path file, Map<String, String> env) throws IOException {
        Map<String, String> v = new TreeMap<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IOException("no such configuration file: " + file);
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> v.put(k.trim(), p.getProperty(k).trim()));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = keyOfVariable(e.getKey());
            if (key != null && e.getValue() != null && !e.getValue().isEmpty()) {
                v.put(key, e.getValue());
            }
        }
        return new SocConfig(v);
    }

    public static SocConfig empty() {
        return new SocConfig(new TreeMap<>());
    }

    /** The environment variable of a key: {@code kafka.sasl.username → SOC_KAFKA_SASL_USERNAME}. */
    public static String variableOf(String key) {
        if (key.equals("kafka.bootstrap")) {
            return "SOC_KAFKA";
        }
        return "SOC_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static final String[] KEYS = {
        "es.url",
        "es.user",
        "es.password",
        "es.api_key",
        "es.ca",
        "kafka.bootstrap",
        "kafka.tls",
        "kafka.ca",
        "kafka.truststore",
        "kafka.truststore.password",
        "kafka.truststore.type",
        "kafka.keystore",
        "kafka.keystore.password",
        "kafka.key.password",
        "kafka.sasl.mechanism",
        "kafka.sasl.username",
        "kafka.sasl.password",
        "departments.file",
        "department.unattributed",
    };

    private static String keyOfVariable(String variable) {
        for (String k : KEYS) {
            if (variableOf(k).equals(variable)) {
                return k;
            }
        }
        return null;
    }

    /** A copy with the value set, unless it is null (an option the user did not give). */
    public SocConfig with(String key, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> v = new TreeMap<>(values);
        v.put(key, value);
        return new SocConfig(v);
    }

    public String get(String key) {
        return values.get(key);
    }

    public boolean has(String key) {
        String v = values.get(key);
        return v != null && !v.isEmpty();
    }

    public ElasticsearchSettings elasticsearch() {
        ElasticsearchSettings.Builder b =
                ElasticsearchSettings.builder().url(values.getOrDefault("es.url", DEFAULT_ES_URL));
        if (has("es.user") || has("es.password")) {
            b.basicAuth(get("es.user"), get("es.password"));
        }
        if (has("es.api_key")) {
            b.apiKey(get("es.api_key"));
        }
        if (has("es.ca")) {
            String ca = get("es.ca");
            if (!Files.isReadable(Path.of(ca))) {
                throw new IllegalArgumentException("cannot read the Elasticsearch CA file " + ca);
            }
            b.caCertificate(ca);
        }
        return b.build();
    }

    /** Whether Kafka is configured at all. */
    public boolean hasKafka() {
        return has("kafka.bootstrap");
    }

    public KafkaSettings kafka() {
        if (!hasKafka()) {
            throw new IllegalArgumentException(
                    "no Kafka configured: set kafka.bootstrap, SOC_KAFKA or --kafka");
        }
        KafkaSettings.Builder b = KafkaSettings.builder(get("kafka.bootstrap"));
        Map<String, String> passthrough = new TreeMap<>();
        values.forEach(
                (k, v) -> {
                    if (k.startsWith("kafka.property.")) {
                        passthrough.put(k.substring("kafka.property.".length()), v);
                    }
                });
        b.properties(passthrough);
        if ("true".equalsIgnoreCase(get("kafka.tls"))) {
            b.tls();
        }
        if (has("kafka.ca")) {
            b.caCertificate(readable(get("kafka.ca"), "Kafka CA file"));
        }
        if (has("kafka.truststore")) {
            b.truststore(
                    readable(get("kafka.truststore"), "Kafka trust store"),
                    get("kafka.truststore.password"),
                    get("kafka.truststore.type"));
        }
        if (has("kafka.keystore")) {
            b.keystore(
                    readable(get("kafka.keystore"), "Kafka key store"),
                    get("kafka.keystore.password"),
                    get("kafka.key.password"));
        }
        if (has("kafka.sasl.mechanism")
                || has("kafka.sasl.username")
                || has("kafka.sasl.password")) {
            b.sasl(
                    values.getOrDefault("kafka.sasl.mechanism", "SCRAM-SHA-512"),
                    get("kafka.sasl.username"),
                    get("kafka.sasl.password"));
        }
        return b.build();
    }

    /** The department directory: {@code departments.file}, else the one shipped with the engine. */
    public DepartmentDirectory departments() throws IOException {
        if (!has("departments.file")) {
            return DepartmentDirectory.defaults();
        }
        Path p = Path.of(get("departments.file"));
        if (!Files.isRegularFile(p)) {
            throw new IOException("departments.file: no such file: " + p);
        }
        try {
            return DepartmentDirectory.load(p);
        } catch (IOException e) {
            throw new IOException("departments.file " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Who may name a record's department, per raw topic ({@code department.unattributed}, {@code
     * topic.<topic>.trust_header}, {@code topic.<topic>.unattributed}).
     *
     * @throws IllegalArgumentException naming every bad key or value
     */
    public DepartmentTrustPolicy departmentTrust(DepartmentDirectory directory) {
        return DepartmentTrustPolicy.fromProperties(values, directory);
    }

    private static String readable(String path, String what) {
        if (!Files.isReadable(Path.of(path))) {
            throw new IllegalArgumentException("cannot read the " + what + " " + path);
        }
        return path;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("api_key")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("token");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SocConfig{");
        values.forEach(
                (k, v) -> {
                    if (sb.length() > "SocConfig{".length()) {
                        sb.append(", ");
                    }
                    sb.append(k).append('=').append(isSecret(k) ? "******" : v);
                });
        return sb.append('}').toString();
    }
}
