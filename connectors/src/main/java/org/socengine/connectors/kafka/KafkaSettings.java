package org.socengine.connectors.kafka;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.secrets.Redaction;

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

    /** Settings with TLS and SASL built from their parts, so no JAAS line is written by hand. */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** The security protocol the properties ask for ({@code PLAINTEXT} when none). */
    public String securityProtocol() {
        return properties.getOrDefault("security.protocol", "PLAINTEXT");
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
        return Redaction.isSecretKey(key);
    }

    /** The SASL mechanism, or null without SASL. */
    public String saslMechanism() {
        return securityProtocol().startsWith("SASL_")
                ? properties.getOrDefault("sasl.mechanism", "GSSAPI")
                : null;
    }

    /** The SASL user named in the JAAS line, or null. */
    public String saslUsername() {
        String jaas = properties.get("sasl.jaas.config");
        if (jaas == null) {
            return null;
        }
        Matcher m = JAAS_USERNAME.matcher(jaas);
        return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
    }

    private static final Pattern JAAS_USERNAME =
            Pattern.compile("username\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** What the client trusts for TLS, in words: a trust store file or the JVM's default. */
    public String trustDescription() {
        String loc = properties.get("ssl.truststore.location");
        if (loc != null) {
            return ("PEM".equalsIgnoreCase(properties.get("ssl.truststore.type"))
                            ? "CA file "
                            : "trust store ")
                    + loc;
        }
        if (properties.containsKey("ssl.truststore.certificates")) {
            return "the CA certificates given inline";
        }
        return "the JVM's default trust store";
    }

    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("KafkaSettings{bootstrap=")
                        .append(Redaction.text(bootstrapServers));
        properties.forEach(
                (k, v) -> sb.append(", ").append(k).append('=').append(Redaction.value(k, v)));
        return sb.append('}').toString();
    }

    /**
     * Builds the client properties for TLS (a trust store, or a CA certificate in PEM) and SASL
     * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), choosing {@code security.protocol} from what is set.
     */
    public static final class Builder {
        private final String bootstrapServers;
        private final Map<String, String> properties = new TreeMap<>();
        private boolean tls;
        private String saslMechanism;
        private String saslUsername;
        private String saslPassword;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        /** Any client property, passed through (explicit TLS/SASL settings win). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> props) {
            properties.putAll(props);
            return this;
        }

        /** TLS with the JVM's default trust store (a public CA signed the broker's certificate). */
        public Builder tls() {
            tls = true;
            return this;
        }

        /**
         * TLS trusting the given trust store: JKS or PKCS12 (with its password), or a PEM file of
         * CA certificates (type {@code PEM}, no password).
         */
        public Builder truststore(String path, String password, String type) {
            tls = true;
            properties.put("ssl.truststore.location", path);
            String t = type == null ? guessStoreType(path) : type.toUpperCase(Locale.ROOT);
            properties.put("ssl.truststore.type", t);
            if (password != null && !password.isEmpty()) {
                properties.put("ssl.truststore.password", password);
            }
            return this;
        }

        /** TLS trusting the CA certificates of a PEM file. */
        public Builder caCertificate(String pemPath) {
            return truststore(pemPath, null, "PEM");
        }

        /** A client certificate for brokers that require mutual TLS. */
        public Builder keystore(String path, String password, String keyPassword) {
            tls = true;
            properties.put("ssl.keystore.location", path);
            properties.put("ssl.keystore.type", guessStoreType(path));
            if (password != null) {
                properties.put("ssl.keystore.password", password);
            }
            if (keyPassword != null) {
                properties.put("ssl.key.password", keyPassword);
            }
            return this;
        }

        /** Skips the host name check of the broker certificate (test brokers only). */
        public Builder skipHostnameVerification() {
            properties.put("ssl.endpoint.identification.algorithm", "");
            return this;
        }

        public Builder saslPlain(String username, String password) {
            return sasl("PLAIN", username, password);
        }

        /** SCRAM with {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
        public Builder saslScram(String mechanism, String username, String password) {
            String m = mechanism.toUpperCase(Locale.ROOT);
            if (!m.equals("SCRAM-SHA-256") && !m.equals("SCRAM-SHA-512")) {
                throw new IllegalArgumentException(
                        "SCRAM mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, got " + mechanism);
            }
            return sasl(m, username, password);
        }

        /** SASL by mechanism name: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
        public Builder sasl(String mechanism, String username, String password) {
            String m = mechanism == null ? null : mechanism.toUpperCase(Locale.ROOT);
            if (m == null
                    || !(m.equals("PLAIN")
                            || m.equals("SCRAM-SHA-256")
                            || m.equals("SCRAM-SHA-512"))) {
                throw new IllegalArgumentException(
                        "SASL mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "
                                + mechanism);
            }
            if (username == null || username.isEmpty() || password == null) {
                throw new IllegalArgumentException(
                        "SASL " + m + " needs both a user name and a password");
            }
            this.saslMechanism = m;
            this.saslUsername = username;
            this.saslPassword = password;
            return this;
        }

        public KafkaSettings build() {
            Map<String, String> p = new TreeMap<>(properties);
            if (saslMechanism != null) {
                p.put("security.protocol", tls ? "SASL_SSL" : "SASL_PLAINTEXT");
                p.put("sasl.mechanism", saslMechanism);
                String module =
                        saslMechanism.equals("PLAIN")
                                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                                : "org.apache.kafka.common.security.scram.ScramLoginModule";
                p.put(
                        "sasl.jaas.config",
                        module
                                + " required username=\""
                                + jaasQuote(saslUsername)
                                + "\" password=\""
                                + jaasQuote(saslPassword)
                                + "\";");
            } else if (tls) {
                p.put("security.protocol", "SSL");
            }
            return new KafkaSettings(bootstrapServers, p);
        }

        private static String guessStoreType(String path) {
            String l = path.toLowerCase(Locale.ROOT);
            if (l.endsWith(".pem") || l.endsWith(".crt")) {
                return "PEM";
            }
            if (l.endsWith(".jks")) {
                return "JKS";
            }
            return "PKCS12";
        }

        /** JAAS values are double-quoted; quotes and backslashes inside are escaped. */
        static String jaasQuote(String v) {
            return v.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }
}
