package org.socengine.connectors.config;

import static org.socengine.connectors.config.ConfigKey.Type.BOOLEAN;
import static org.socengine.connectors.config.ConfigKey.Type.DIRECTORY;
import static org.socengine.connectors.config.ConfigKey.Type.DURATION;
import static org.socengine.connectors.config.ConfigKey.Type.FILE;
import static org.socengine.connectors.config.ConfigKey.Type.HOST_PORTS;
import static org.socengine.connectors.config.ConfigKey.Type.INTEGER;
import static org.socengine.connectors.config.ConfigKey.Type.LOCATION;
import static org.socengine.connectors.config.ConfigKey.Type.NON_NEGATIVE;
import static org.socengine.connectors.config.ConfigKey.Type.PORT;
import static org.socengine.connectors.config.ConfigKey.Type.POSITIVE;
import static org.socengine.connectors.config.ConfigKey.Type.SECRET;
import static org.socengine.connectors.config.ConfigKey.Type.TEXT;
import static org.socengine.connectors.config.ConfigKey.Type.TIME_ZONE;
import static org.socengine.connectors.config.ConfigKey.Type.URL;
import static org.socengine.connectors.config.ConfigKey.Type.WRITABLE_FILE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.socengine.connectors.decode.core.DecoderOptions;

/**
 * Every setting the engine reads, in one place: {@code ./soc run}, {@code DetectionJobMain}, {@code
 * EscalationJobMain} and the other commands that connect. A key not listed here is refused, with
 * the nearest listed key suggested. Adding a setting is one line below; {@code
 * docs/configuration.md} must then name it (ConfigurationDocTest fails until it does).
 *
 * <p>Each secret key {@code K} also has the form {@code K_file} (a path to a file holding the
 * secret; the old {@code K.file} is read too), each with its {@code SOC_..._FILE} variable.
 */
public final class ConfigKeys {

    private static final List<ConfigKey> KEYS = new ArrayList<>();

    static {
        // Elasticsearch
        key("es.url", URL, "http://127.0.0.1:9200", "Elasticsearch URL");
        key("es.user", TEXT, "", "basic-auth user of the engine on Elasticsearch");
        key("es.password", SECRET, "", "basic-auth password");
        key("es.api_key", SECRET, "", "API key, as Elasticsearch issues it (base64 id:key)");
        key("es.ca", FILE, "", "PEM file of the Elasticsearch cluster's CA");
        // Kafka
        key("kafka.bootstrap", "SOC_KAFKA", HOST_PORTS, "", "Kafka bootstrap servers (required)");
        key("kafka.tls", BOOLEAN, "false", "TLS to the brokers with the JVM's trust store");
        key("kafka.ca", FILE, "", "PEM file of the brokers' CA (implies TLS)");
        key("kafka.truststore", FILE, "", "JKS, PKCS12 or PEM trust store (implies TLS)");
        key("kafka.truststore.password", SECRET, "", "password of the trust store");
        choice(
                "kafka.truststore.type",
                "from the file name",
                "type of the trust store",
                "JKS",
                "PKCS12",
                "PEM");
        key("kafka.keystore", FILE, "", "client certificate's key store (mutual TLS)");
        key("kafka.keystore.password", SECRET, "", "password of the key store");
        key("kafka.key.password", SECRET, "", "password of the key in the key store");
        choice(
                "kafka.sasl.mechanism",
                "SCRAM-SHA-512",
                "SASL mechanism (with a SASL user)",
                "PLAIN",
                "SCRAM-SHA-256",
                "SCRAM-SHA-512");
        key("kafka.sasl.username", TEXT, "", "SASL user");
        key("kafka.sasl.password", SECRET, "", "SASL password");
        key("kafka.property.<name>", TEXT, "", "any other Kafka client property, passed as is");
        // Decoding and departments
        key(
                "departments.file",
                FILE,
                "the bundled directory",
                "department directory (id, name, address ranges)");
        choice(
                "department.unattributed",
                "keep",
                "a record whose department cannot be told: kept (soc-alerts-unattributed-*) or dead-lettered",
                "keep",
                "dead_letter");
        key(
                "assets.file",
                FILE,
                "",
                "asset inventory CSV (match, department, asset, owner, criticality)");
        key("decode.time_zone", TIME_ZONE, "UTC", "zone of timestamps that carry none");
        key(
                "decode.time_zone.<source>",
                TIME_ZONE,
                "decode.time_zone",
                "the same for one source (syslog, web, ...)");
        key("decode.year", INTEGER, "0", "year of year-less timestamps (0: inferred)");
        key(
                "decode.max_record_bytes",
                POSITIVE,
                String.valueOf(DecoderOptions.DEFAULT_MAX_RECORD_BYTES),
                "larger records are dead-lettered");
        key(
                "decode.max_original_bytes",
                POSITIVE,
                String.valueOf(DecoderOptions.DEFAULT_MAX_ORIGINAL_BYTES),
                "event.original is cut to this many bytes");
        key(
                "topic.<topic>.trust_header",
                BOOLEAN,
                "false",
                "a shared raw topic whose producers may name the department in the header");
        choice(
                "topic.<topic>.unattributed",
                "department.unattributed",
                "department.unattributed for one raw topic",
                "keep",
                "dead_letter");
        // The detection job
        key("job.group", TEXT, "soc-detection", "Kafka consumer group of the raw topics");
        key(
                "job.raw_topics",
                TEXT,
                "every soc.raw.* topic",
                "raw topics the detection job reads (a list, or comma-separated)");
        key("job.parallelism", POSITIVE, "2", "Flink parallelism of the detection job");
        key("job.checkpoint_interval", DURATION, "10s", "how often the job checkpoints (above 0)");
        key(
                "job.alert_budget",
                POSITIVE,
                "200",
                "alerts one rule may raise per department and hour");
        key(
                "job.allowed_lateness",
                DURATION,
                "5s",
                "how far behind a partition's newest event an event is still evaluated in order");
        key(
                "job.idle_timeout",
                DURATION,
                "30s",
                "after how long an idle or wrong-clock partition stops holding event time back");
        key(
                "job.idle_advance",
                DURATION,
                "10m",
                "while every input is idle, event time follows the wall clock from where it stood, at most this far per quiet spell (0: never)");
        key(
                "job.follow_live_partitions",
                BOOLEAN,
                "true",
                "a partition read live that goes quiet follows the clock instead of holding event"
                        + " time at its newest event until the idle timeout");
        key(
                "job.max_clock_skew",
                DURATION,
                "1h",
                "distance from the Kafka timestamp past which a partition's clock counts as wrong, and"
                        + " past which an event stamped after its record takes the record's time"
                        + " (soc.device_time keeps the device's; 0: never)");
        key(
                "job.max_partition_drift",
                DURATION,
                "1m",
                "how far ahead in Kafka time one partition is read of the others (0: never waits)");
        key("rules.dir", DIRECTORY, "rules/detections of the installation", "the rules folder");
        key(
                "rules.max_groups",
                POSITIVE,
                "50000",
                "groups a rule may hold over all departments before it is quarantined");
        key(
                "rules.max_rows",
                POSITIVE,
                "100000",
                "rows a rule's named windows and tables may hold");
        key(
                "rules.cpu_ms_per_minute",
                POSITIVE,
                "10000",
                "CPU a rule may use per minute of event time");
        key(
                "alerts.retention_months",
                NON_NEGATIVE,
                "0",
                "monthly alert indices older than this are dropped (0: keep all)");
        // State across restarts
        choice(
                "state.backend",
                "rocksdb",
                "where the jobs keep their state: rocksdb (on disk, incremental checkpoints) or hashmap (on the heap; tests and the demo)",
                "rocksdb",
                "hashmap");
        key(
                "state.incremental",
                BOOLEAN,
                "true",
                "RocksDB checkpoints hold only what changed since the last one");
        key(
                "state.checkpoints_dir",
                LOCATION,
                "$SOC_WORK_DIR/checkpoints",
                "where checkpoints are written and kept after a stop (local folder, or an object store URI on a cluster)");
        key(
                "state.savepoints_dir",
                LOCATION,
                "$SOC_WORK_DIR/savepoints",
                "where ./soc savepoint and ./soc stop --savepoint write");
        key("state.retained_checkpoints", POSITIVE, "3", "completed checkpoints kept per job");
        // ./soc run in this process
        key(
                "run.control_file",
                WRITABLE_FILE,
                "$SOC_WORK_DIR/soc-run.json",
                "where ./soc run writes its pid, REST address and job id for ./soc savepoint and ./soc stop");
        key(
                "run.rest_port",
                PORT,
                "0",
                "REST port of ./soc run's local Flink cluster, on the loopback (0: a free port)");
        key(
                "run.watch_rules",
                BOOLEAN,
                "false",
                "publish changes of the rules folder to soc.rules while running");
        key(
                "metrics.port",
                PORT,
                "9464",
                "Prometheus endpoint /metrics of ./soc run on this port (0: none)");
        key(
                "metrics.bind",
                TEXT,
                "127.0.0.1",
                "address the metrics endpoint listens on; another than the loopback exposes it (read-only, no authentication)");
        // The escalation job (EscalationJobMain)
        key("escalation.group", TEXT, "soc-escalation", "Kafka consumer group of soc.alerts");
        key(
                "escalation.policy",
                FILE,
                "the bundled sample policy",
                "escalation policy YAML (tiers, channels, correlation)");
        key("escalation.parallelism", POSITIVE, "1", "Flink parallelism of the escalation job");
        key(
                "escalation.checkpoint_interval",
                DURATION,
                "30s",
                "how often the escalation job checkpoints (above 0)");
        key(
                "escalation.link",
                TEXT,
                "",
                "incident URL template in notifications, {id} for the incident id");
        key(
                "escalation.quiet_advance",
                DURATION,
                "5m",
                "event time follows the wall clock after this long without alerts");
        key(
                "escalation.partition_idleness",
                DURATION,
                "1m",
                "a soc.alerts partition without alerts this long stops holding event time back");
        key(
                "escalation.ack_port",
                PORT,
                "",
                "serve POST /incidents/{id}/ack|close on this port (unset: no endpoint)");
        key("escalation.ack_bind", TEXT, "127.0.0.1", "address of the acknowledgement endpoint");
        key("escalation.ack_token", SECRET, "", "bearer token of POST /incidents/{id}/ack");
        key(
                "escalation.ack_keystore",
                FILE,
                "",
                "key store: the acknowledgement endpoint speaks TLS");
        key("escalation.ack_keystore.password", SECRET, "", "password of that key store");
        // ./soc console
        key("console.users_file", FILE, "", "users file of the web console (./soc console user)");
        key("console.bind", TEXT, "127.0.0.1", "address the web console listens on");
        key("console.port", PORT, "8088", "port of the web console");
        key(
                "console.metrics_url",
                URL,
                "",
                "the detection job's Prometheus endpoint, for the console's log-source health");
        key("console.session_idle", DURATION, "30m", "a console session ends after this long idle");
        key(
                "console.secure_cookie",
                BOOLEAN,
                "false",
                "mark the session cookie Secure (the console behind a TLS proxy)");
        key(
                "console.password_login",
                BOOLEAN,
                "true",
                "users of the users file log in with their password (false: only through OIDC)");
        key(
                "console.oidc.issuer",
                URL,
                "",
                "OIDC provider's issuer: set, the console offers sign-in through it");
        key("console.oidc.client_id", TEXT, "", "the console's client id at the OIDC provider");
        key(
                "console.oidc.client_secret",
                SECRET,
                "",
                "the console's client secret (unset: a public client, PKCE alone)");
        key(
                "console.oidc.redirect_uri",
                URL,
                "the console's address + /oidc/callback",
                "callback registered at the provider, as the browser reaches the console");
        key("console.oidc.scopes", TEXT, "openid profile email", "scopes asked for");
        key("console.oidc.name", TEXT, "OIDC", "provider's name on the login page");
        key(
                "console.oidc.username_claim",
                TEXT,
                "preferred_username",
                "claim holding the user's name (sub when absent)");
        key(
                "console.oidc.roles_claim",
                TEXT,
                "groups",
                "claim holding role or group names (a dotted path reaches into objects)");
        key(
                "console.oidc.analyst_values",
                TEXT,
                "soc-analyst",
                "comma-separated values of the roles claim that make a provincial analyst");
        key(
                "console.oidc.liaison_values",
                TEXT,
                "soc-liaison",
                "values that make a department liaison (of the department claim)");
        key("console.oidc.admin_values", TEXT, "soc-admin", "values that make an admin");
        key(
                "console.oidc.department_claim",
                TEXT,
                "department",
                "claim naming a liaison's department");
        key("console.oidc.clock_skew", DURATION, "60s", "tolerance on the ID token's exp and iat");
    }

    private ConfigKeys() {}

    private static void key(String name, ConfigKey.Type type, String def, String meaning) {
        key(name, null, type, def, meaning);
    }

    private static void key(
            String name, String variable, ConfigKey.Type type, String def, String meaning) {
        add(new ConfigKey(name, type, def, meaning, variable(name, variable), List.of()));
    }

    private static void choice(String name, String def, String meaning, String... choices) {
        add(
                new ConfigKey(
                        name,
                        ConfigKey.Type.CHOICE,
                        def,
                        meaning,
                        variable(name, null),
                        List.of(choices)));
    }

    private static void add(ConfigKey k) {
        for (ConfigKey existing : KEYS) {
            if (existing.name().equals(k.name())) {
                throw new IllegalStateException("key listed twice: " + k.name());
            }
        }
        KEYS.add(k);
        if (k.isSecret()) {
            KEYS.add(
                    new ConfigKey(
                            fileForm(k.name()),
                            FILE,
                            "",
                            "file holding "
                                    + k.name()
                                    + " (its content without the final line break)",
                            k.variable() + "_FILE",
                            List.of()));
        }
    }

    private static String variable(String name, String given) {
        if (given != null) {
            return given;
        }
        return name.indexOf('<') >= 0
                ? null
                : "SOC_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** {@code es.password → es.password_file}. */
    public static String fileForm(String secretKey) {
        return secretKey + "_file";
    }

    /** Every key, in the order of the documentation. */
    public static List<ConfigKey> all() {
        return Collections.unmodifiableList(KEYS);
    }

    /** The secret keys (not their file forms). */
    public static List<String> secrets() {
        return KEYS.stream().filter(ConfigKey::isSecret).map(ConfigKey::name).toList();
    }

    /**
     * The key a name is, or is of the shape of. The old form of a secret's file ({@code
     * es.password.file}) is the new one ({@code es.password_file}).
     */
    public static Optional<ConfigKey> find(String key) {
        String k = canonical(key);
        for (ConfigKey c : KEYS) {
            if (!c.isPattern() && c.name().equals(k)) {
                return Optional.of(c);
            }
        }
        for (ConfigKey c : KEYS) {
            if (c.isPattern() && c.matches(k)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** {@code es.password.file} (the form before the YAML file) → {@code es.password_file}. */
    public static String canonical(String key) {
        if (key.endsWith(".file")) {
            String base = key.substring(0, key.length() - ".file".length());
            if (secrets().contains(base)) {
                return fileForm(base);
            }
        }
        return key;
    }

    /** The key an environment variable sets, if any. */
    public static Optional<ConfigKey> ofVariable(String variable) {
        return KEYS.stream().filter(k -> variable.equals(k.variable())).findFirst();
    }

    /**
     * The listed key nearest to an unknown one: a key the unknown one extends ({@code
     * kafka.bootstrap.servers → kafka.bootstrap}), else the one at the least edit distance if that
     * is small against the name's length.
     */
    public static Optional<String> nearest(String unknown) {
        String best = null;
        for (ConfigKey c : KEYS) {
            if (!c.isPattern() && unknown.startsWith(c.name() + ".")) {
                if (best == null || c.name().length() > best.length()) {
                    best = c.name();
                }
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey c : KEYS) {
            int d = distance(unknown, c.name());
            if (d < bestDistance) {
                bestDistance = d;
                best = c.name();
            }
        }
        int allowed = Math.max(2, unknown.length() / 3);
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /**
     * The table of docs/configuration.md for a group of keys (those starting with a prefix): key,
     * variable, kind, default, meaning.
     */
    public static String markdownTable(String prefix) {
        StringBuilder b = new StringBuilder();
        b.append("| key | variable | value | default | meaning |\n");
        b.append("| --- | --- | --- | --- | --- |\n");
        for (ConfigKey k : KEYS) {
            if (!k.name().startsWith(prefix)) {
                continue;
            }
            b.append("| `")
                    .append(k.name())
                    .append("` | ")
                    .append(k.variable() == null ? "(file only)" : "`" + k.variable() + "`")
                    .append(" | ")
                    .append(k.describeType().replace("|", "\\|"))
                    .append(" | ")
                    .append(
                            k.defaultValue().isEmpty() || k.defaultValue().contains(" ")
                                    ? k.defaultValue()
                                    : "`" + k.defaultValue() + "`")
                    .append(" | ")
                    .append(k.meaning().replace("|", "\\|"))
                    .append(" |\n");
        }
        return b.toString();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
