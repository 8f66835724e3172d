package org.socengine.connectors.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.DepartmentTrustPolicy;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.enrich.AssetInventory;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.secrets.Redaction;

/**
 * The engine's settings: a configuration file ({@link ConfigFile}: YAML, or the older properties),
 * the {@code SOC_*} environment variables over it, and explicit values ({@link #with}, the command
 * line's options) over both. Every key, its kind, default and variable is in {@link ConfigKeys}
 * (and docs/configuration.md); an unknown key or a wrong value is refused with its file and line.
 *
 * <p>Every secret ({@link #SECRET_KEYS}) may instead name a file that holds it: {@code
 * es.password_file} / {@code SOC_ES_PASSWORD_FILE} (the older {@code es.password.file} is read
 * too), and so on; the file's content without its final line break is the secret (the form of
 * Docker and Kubernetes secrets). Secret values never appear in {@link #toString()} or in error
 * messages. The department trust policy ({@code department.unattributed}, {@code topic.<topic>.*})
 * is {@link DepartmentTrustPolicy}'s (docs/sources.md).
 */
public final class SocConfig {

    public static final String DEFAULT_ES_URL = "http://127.0.0.1:9200";

    /** The settings that hold secrets; each also has a {@code <key>_file} form. */
    public static final java.util.List<String> SECRET_KEYS = ConfigKeys.secrets();

    private final Map<String, String> values;
    private final java.util.List<String> warnings;

    private SocConfig(Map<String, String> values) {
        this(values, java.util.List.of());
    }

    private SocConfig(Map<String, String> values, java.util.List<String> warnings) {
        this.values = values;
        this.warnings = java.util.List.copyOf(warnings);
    }

    /**
     * What the operator should fix but that does not stop the engine, e.g. a configuration file
     * with a password in it that other users can read.
     */
    public java.util.List<String> warnings() {
        return warnings;
    }

    /** The file (may be null) overlaid with this process's environment. */
    public static SocConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    /**
     * Reads a configuration file ({@link ConfigFile}: YAML, or properties as before) and lays the
     * {@code SOC_*} variables of {@code env} over it.
     *
     * @throws InvalidConfigurationException listing every unknown key and wrong value, each as
     *     {@code file:line: key: message}
     */
    public static SocConfig load(Path file, Map<String, String> env) throws IOException {
        Map<String, String> v = new TreeMap<>();
        java.util.List<String> warnings = new java.util.ArrayList<>();
        java.util.List<ConfigProblem> problems = new java.util.ArrayList<>();
        if (file != null) {
            ConfigFile f = ConfigFile.read(file);
            problems.addAll(f.problems());
            problems.addAll(ConfigCheck.entries(file.toString(), f.entries()));
            for (ConfigFile.Entry e : f.entries()) {
                if (!e.value().isEmpty()) {
                    v.put(ConfigKeys.canonical(e.key()), e.value());
                }
            }
            java.util.List<String> inline = SECRET_KEYS.stream().filter(k -> has(v, k)).toList();
            if (!inline.isEmpty() && readableByOthers(file)) {
                warnings.add(
                        file
                                + " holds "
                                + String.join(", ", inline)
                                + " and other users can read it: chmod 600 it, or move the"
                                + " secret into a file named by "
                                + ConfigKeys.fileForm(inline.get(0)));
            }
        }
        problems.addAll(ConfigCheck.environment(env));
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        Map<String, String> fromEnv = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = keyOfVariable(e.getKey());
            if (key != null && e.getValue() != null && !e.getValue().isEmpty()) {
                fromEnv.put(key, e.getValue());
            }
        }
        for (Map.Entry<String, String> e : fromEnv.entrySet()) {
            // A secret set in the environment replaces the file's, in whichever form.
            String base = e.getKey().endsWith(FILE_SUFFIX) ? stripFile(e.getKey()) : e.getKey();
            if (SECRET_KEYS.contains(base)) {
                v.remove(base);
                v.remove(ConfigKeys.fileForm(base));
            }
            v.put(e.getKey(), e.getValue());
        }
        for (String k : SECRET_KEYS) {
            String f = v.remove(ConfigKeys.fileForm(k));
            if (f != null && !f.isEmpty()) {
                v.put(k, readSecret(k, Path.of(f)));
            }
        }
        return new SocConfig(v, warnings);
    }

    private static final String FILE_SUFFIX = "_file";

    private static String stripFile(String key) {
        return key.substring(0, key.length() - FILE_SUFFIX.length());
    }

    private static boolean has(Map<String, String> v, String k) {
        String s = v.get(k);
        return s != null && !s.isEmpty();
    }

    /**
     * Reads a secret from its file: the content without the final line break. The message of a
     * failure names the setting and the path, never content.
     */
    public static String readSecret(String key, Path file) throws IOException {
        String s;
        try {
            s = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException(
                    "cannot read the file of "
                            + key
                            + " ("
                            + file
                            + "): "
                            + e.getClass().getSimpleName());
        }
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new IOException("the file of " + key + " (" + file + ") is empty");
        }
        return s;
    }

    private static boolean readableByOthers(Path file) {
        try {
            var perms = Files.getPosixFilePermissions(file);
            return perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static SocConfig empty() {
        return new SocConfig(new TreeMap<>());
    }

    /** The environment variable of a key: {@code kafka.sasl.username → SOC_KAFKA_SASL_USERNAME}. */
    public static String variableOf(String key) {
        return ConfigKeys.find(key)
                .map(ConfigKey::variable)
                .orElse("SOC_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }

    private static String keyOfVariable(String variable) {
        return ConfigKeys.ofVariable(variable).map(ConfigKey::name).orElse(null);
    }

    /** A copy with the value set, unless it is null (an option the user did not give). */
    public SocConfig with(String key, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> v = new TreeMap<>(values);
        v.put(key, value);
        return new SocConfig(v, warnings);
    }

    /** A copy with a secret read from a file, unless the path is null. */
    public SocConfig withSecretFile(String key, Path file) throws IOException {
        if (file == null) {
            return this;
        }
        return with(key, readSecret(key, file));
    }

    public String get(String key) {
        return values.get(key);
    }

    /** A list setting (a YAML list or comma-separated text); empty when not set. */
    public java.util.List<String> list(String key) {
        if (!has(key)) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(get(key).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
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

    /**
     * The decode stage as every entry point runs it (the job on a cluster, {@code ./soc run},
     * {@code decode}, {@code detect}, the demo): decoder options per source, the department
     * directory, the asset inventory and the trust policy, all from this configuration.
     *
     * @throws IllegalArgumentException naming the key whose value is wrong
     * @throws IOException when a named file cannot be read
     */
    public RecordDecoder recordDecoder() throws IOException {
        DepartmentDirectory directory = departments();
        AssetInventory assets = null;
        if (has("assets.file")) {
            Path file = Path.of(get("assets.file"));
            if (!Files.isRegularFile(file)) {
                throw new IOException("assets.file: no such file: " + file);
            }
            try {
                assets = AssetInventory.load(file, directory);
            } catch (AssetInventory.InvalidInventoryException e) {
                throw new IllegalArgumentException(
                        "assets.file "
                                + file
                                + ": invalid asset inventory: "
                                + String.join("; ", e.problems()));
            }
        }
        DecoderOptions defaults =
                new DecoderOptions(
                        zone("decode.time_zone", values.getOrDefault("decode.time_zone", "UTC")),
                        positive(
                                "decode.max_record_bytes", DecoderOptions.DEFAULT_MAX_RECORD_BYTES),
                        positive(
                                "decode.max_original_bytes",
                                DecoderOptions.DEFAULT_MAX_ORIGINAL_BYTES),
                        integer("decode.year", 0));
        Map<String, DecoderOptions> perSource = new TreeMap<>();
        String prefix = "decode.time_zone.";
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String source = e.getKey().substring(prefix.length());
                if (!Decoders.exists(source)) {
                    throw new IllegalArgumentException(
                            e.getKey()
                                    + ": unknown source '"
                                    + source
                                    + "' (known: "
                                    + String.join(", ", Decoders.sources())
                                    + ")");
                }
                perSource.put(source, defaults.withTimeZone(zone(e.getKey(), e.getValue())));
            }
        }
        return new RecordDecoder(
                defaults, perSource, directory, departmentTrust(directory), assets);
    }

    private static String zone(String key, String zone) {
        try {
            java.time.ZoneId.of(zone);
            return zone;
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException(key + ": unknown time zone '" + zone + "'");
        }
    }

    private int integer(String key, int fallback) {
        return integer(key, key, fallback);
    }

    private int positive(String key, int fallback) {
        return positive(key, key, fallback);
    }

    /**
     * A whole number, or {@code fallback} when the key is not set.
     *
     * @param label how errors name the setting (the key, or the option and the key)
     */
    public int integer(String key, String label, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        try {
            return Integer.parseInt(get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + ": not a number: '" + get(key) + "'");
        }
    }

    /** A whole number above zero, or {@code fallback} when the key is not set. */
    public int positive(String key, String label, int fallback) {
        int n = integer(key, label, fallback);
        if (n <= 0) {
            throw new IllegalArgumentException(label + ": must be positive, not " + n);
        }
        return n;
    }

    private static String readable(String path, String what) {
        if (!Files.isReadable(Path.of(path))) {
            throw new IllegalArgumentException("cannot read the " + what + " " + path);
        }
        return path;
    }

    static boolean isSecret(String key) {
        return Redaction.isSecretKey(key);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SocConfig{");
        values.forEach(
                (k, v) -> {
                    if (sb.length() > "SocConfig{".length()) {
                        sb.append(", ");
                    }
                    sb.append(k).append('=').append(Redaction.value(k, v));
                });
        return sb.append('}').toString();
    }
}
