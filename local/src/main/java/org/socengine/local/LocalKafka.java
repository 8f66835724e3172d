package org.socengine.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.SocTopics;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in a child JVM, on free
 * loopback ports, with its data under the working directory. Started from the Kafka jars on this
 * JVM's class path, so it needs nothing but what the build fetched from Maven Central.
 *
 * <p>A test and demo tool: it knows the topic names ({@link SocTopics}) and nothing else of the
 * engine. The secured broker's grants and the engine's client settings are the caller's (the
 * connectors' test helpers build them from {@code KafkaAcls} and {@code KafkaSettings}).
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

    /** The topics of DESIGN.md, created at start; compacted ones are marked. */
    public static final Map<String, Boolean> STANDARD_TOPICS = SocTopics.standard();

    /** The secured broker's super user (SCRAM-SHA-512), which the test harness administers with. */
    public static final String ADMIN_USER = "soc-admin";

    /** The secured broker's user for the detection job. */
    public static final String JOB_USER = "soc-job";

    /** The job user's consumer groups start with this. */
    public static final String JOB_GROUP_PREFIX = "soc-detection";

    /** The secured broker's user for the escalation job. */
    public static final String ESCALATION_USER = "soc-escalation";

    /** The escalation user's consumer groups start with this. */
    public static final String ESCALATION_GROUP_PREFIX = "soc-escalation";

    /** The secured broker's user for rule admins. */
    public static final String RULE_ADMIN_USER = "soc-rule-admin";

    /** The department whose shipper the secured broker knows. */
    public static final String DEPARTMENT = "so-yt";

    /**
     * The secured broker's user for that department's log shipper, which writes {@code
     * soc.raw.<source>.so-yt} for every standard source.
     */
    public static final String DEPARTMENT_USER = "dept-so-yt";

    /** The SASL mechanism of the secured broker. */
    public static final String SCRAM = "SCRAM-SHA-512";

    private final Path dir;
    private final int port;
    private final Security security;
    private final List<String> serveCommand;
    private final Path logFile;
    private final Path pidFile;
    private ManagedProcess process;

    private LocalKafka(
            Path dir,
            int port,
            Security security,
            List<String> serveCommand,
            Path logFile,
            Path pidFile) {
        this.dir = dir;
        this.port = port;
        this.security = security;
        this.serveCommand = List.copyOf(serveCommand);
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    /**
     * The secured mode's material: the test CA that signed the broker's certificate, the SCRAM
     * users with their random passwords, and what the users may do.
     */
    private record Security(
            LocalCertificateAuthority ca,
            Path keystore,
            Map<String, String> passwords,
            List<AclBinding> acls) {}

    public static LocalKafka start(Path workDir) throws IOException {
        return start(workDir, Duration.ofSeconds(90));
    }

    /** A broker with one PLAINTEXT listener and no authentication, under {@code workDir/kafka}. */
    public static LocalKafka start(Path workDir, Duration timeout) throws IOException {
        return start(WorkDirs.ensure(workDir.resolve("kafka")), timeout, null);
    }

    /**
     * A broker as a secured deployment runs one, under {@code workDir/kafka-secured}: clients reach
     * it only on a SASL_SSL listener (TLS with a certificate from a CA made now, SCRAM-SHA-512
     * users {@link #ADMIN_USER}, {@link #JOB_USER}, {@link #ESCALATION_USER}, {@link
     * #RULE_ADMIN_USER}, {@link #DEPARTMENT_USER} with random passwords); the controller listener
     * takes only the broker's own certificate (mutual TLS); ACLs are enforced, {@code acls} are all
     * the users may do, the admin is the only super user. The standard topics and {@code
     * soc.raw.<source>.so-yt} exist with one partition.
     */
    public static LocalKafka startSecured(Path workDir, Collection<AclBinding> acls)
            throws IOException {
        return startSecured(workDir, Duration.ofSeconds(90), acls);
    }

    public static LocalKafka startSecured(
            Path workDir, Duration timeout, Collection<AclBinding> acls) throws IOException {
        Path dir = WorkDirs.ensure(workDir.resolve("kafka-secured"));
        LocalCertificateAuthority ca =
                LocalCertificateAuthority.create(dir.resolve("ca"), "SOC local Kafka test CA");
        Path keystore =
                ca.issueKeystore("broker", BROKER_CN, List.of("ip:127.0.0.1", "dns:localhost"));
        Map<String, String> passwords = new java.util.LinkedHashMap<>();
        for (String u :
                List.of(ADMIN_USER, JOB_USER, ESCALATION_USER, RULE_ADMIN_USER, DEPARTMENT_USER)) {
            passwords.put(u, LocalCertificateAuthority.randomSecret());
        }
        LocalKafka kafka =
                start(
                        dir,
                        timeout,
                        new Security(ca, keystore, Map.copyOf(passwords), List.copyOf(acls)));
        try {
            kafka.createUsersAndAcls();
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private static final String BROKER_CN = "soc-local-broker";

    private static LocalKafka start(Path dir, Duration timeout, Security security)
            throws IOException {
        Path pidFile = dir.resolve("kafka.pid");
        ManagedProcess.killStale("kafka", pidFile);
        Path data = dir.resolve("data");
        deleteRecursively(data);
        Files.createDirectories(data);
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path props = dir.resolve("server.properties");
        Files.writeString(
                props,
                security == null
                        ? serverProperties(data, port, controllerPort)
                        : securedServerProperties(data, port, controllerPort, security),
                StandardCharsets.UTF_8);
        restrictToOwner(props);
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "rootLogger.level = WARN",
                        "rootLogger.appenderRef.out.ref = out",
                        "appender.out.type = Console",
                        "appender.out.name = out",
                        "appender.out.layout.type = PatternLayout",
                        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                        ""),
                StandardCharsets.UTF_8);
        Path logFile = dir.resolve("kafka.log");

        List<String> jvm = new ArrayList<>();
        jvm.add(javaBinary());
        jvm.add("-Xms256m");
        jvm.add("-Xmx512m");
        jvm.add("-XX:+UseSerialGC");
        jvm.add("-Dlog4j2.configurationFile=" + log4j);
        jvm.add("-Dkafka.logs.dir=" + dir);
        jvm.add("-cp");
        jvm.add(System.getProperty("java.class.path"));

        List<String> format = new ArrayList<>(jvm);
        format.addAll(
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        props.toString(),
                        "--ignore-formatted"));
        if (security != null) {
            // The super user must exist before the first SASL login; the others are made through
            // the Admin API, as an operator would.
            format.add("--add-scram");
            format.add(
                    SCRAM
                            + "=[name="
                            + ADMIN_USER
                            + ",password="
                            + security.passwords().get(ADMIN_USER)
                            + "]");
        }
        runToEnd(format, dir, logFile);

        List<String> serve = new ArrayList<>(jvm);
        serve.add("kafka.Kafka");
        serve.add(props.toString());
        LocalKafka kafka = new LocalKafka(dir, port, security, serve, logFile, pidFile);
        kafka.launch(timeout);
        LOG.info("Kafka broker ready at {}", kafka.bootstrapServers());
        return kafka;
    }

    private void launch(Duration timeout) throws IOException {
        process = ManagedProcess.start("kafka", serveCommand, dir, logFile, pidFile, Map.of());
        try {
            awaitReady(timeout, logFile);
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /**
     * Stops the broker the way an operator's restart does (SIGTERM, a controlled shutdown that
     * flushes its logs) and keeps its data: {@link #restart} brings it back on the same port with
     * the same topics, offsets and committed consumer groups.
     */
    public synchronized void stop() {
        if (process != null) {
            process.close();
        }
    }

    /**
     * Kills the broker with SIGKILL, as a crash or the OOM killer would: no controlled shutdown,
     * whatever the page cache holds survives; {@link #restart} recovers its logs.
     */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** Starts the stopped broker again (stopping a running one first), on its port and data. */
    public synchronized void restart(Duration timeout) throws IOException {
        stop();
        launch(timeout);
        LOG.info("Kafka broker restarted at {}", bootstrapServers());
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private static String serverProperties(Path data, int port, int controllerPort) {
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:"
                        + port
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.segment.bytes=67108864",
                // Records carry their event's time (replays, backlogs, tests with fixed dates), and
                // time-based retention deleted whatever was stamped more than its limit ago within
                // minutes of arrival (the retention check runs 30 s after start, then every 5 min),
                // under a running job. Kept by size instead.
                "log.retention.ms=-1",
                "log.retention.bytes=" + RETENTION_BYTES_PER_PARTITION,
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "");
    }

    /** What a partition keeps at most (oldest segments go first): 4 GiB. */
    public static final long RETENTION_BYTES_PER_PARTITION = 4L << 30;

    private static String securedServerProperties(
            Path data, int port, int controllerPort, Security security) {
        String admin = security.passwords().get(ADMIN_USER);
        String storePassword = security.ca().storePassword();
        String base = serverProperties(data, port, controllerPort);
        // Keep the common settings, replace the listener layout.
        StringBuilder sb = new StringBuilder();
        for (String line : base.split("\n")) {
            if (line.startsWith("listeners=")
                    || line.startsWith("advertised.listeners=")
                    || line.startsWith("inter.broker.listener.name=")
                    || line.startsWith("listener.security.protocol.map=")) {
                continue;
            }
            sb.append(line).append('\n');
        }
        String jaas = scramLogin(ADMIN_USER, admin);
        return sb
                + String.join(
                        "\n",
                        "listeners=SASL_SSL://127.0.0.1:"
                                + port
                                + ",CONTROLLER://127.0.0.1:"
                                + controllerPort,
                        "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                        "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL",
                        "inter.broker.listener.name=SASL_SSL",
                        "sasl.enabled.mechanisms=" + SCRAM,
                        "sasl.mechanism.inter.broker.protocol=" + SCRAM,
                        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas,
                        "ssl.keystore.type=PKCS12",
                        "ssl.keystore.location=" + security.keystore(),
                        "ssl.keystore.password=" + storePassword,
                        "ssl.key.password=" + storePassword,
                        "ssl.truststore.type=PKCS12",
                        "ssl.truststore.location=" + security.ca().truststore(),
                        "ssl.truststore.password=" + storePassword,
                        "listener.name.controller.ssl.client.auth=required",
                        "authorizer.class.name="
                                + "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                        "allow.everyone.if.no.acl.found=false",
                        "super.users=User:" + ADMIN_USER + ";User:CN=" + BROKER_CN,
                        "");
    }

    private void createUsersAndAcls() throws IOException {
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        security.passwords()
                .forEach(
                        (user, password) -> {
                            if (!user.equals(ADMIN_USER)) {
                                users.add(
                                        new UserScramCredentialUpsertion(
                                                user,
                                                new ScramCredentialInfo(
                                                        ScramMechanism.SCRAM_SHA_512, 8192),
                                                password));
                            }
                        });
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
            if (!security.acls().isEmpty()) {
                admin.createAcls(security.acls()).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            throw new IOException(
                    "cannot create the secured broker's users and ACLs", e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot create the secured broker's users and ACLs", e);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String source : STANDARD_SOURCES) {
            topics.add(new NewTopic(SocTopics.raw(source, DEPARTMENT), 1, (short) 1));
        }
        createTopics(topics);
        createStandardTopics(1);
    }

    /** The sources of the standard raw topics. */
    public static final List<String> STANDARD_SOURCES =
            List.of("syslog", "suricata", "zeek", "netflow", "winlog", "web", "dns");

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(
                    file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the work directory's own permissions apply.
        }
    }

    private void awaitReady(Duration timeout, Path logFile) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "Kafka broker exited during start-up; see "
                                + logFile
                                + ":\n"
                                + tail(logFile));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Kafka", e);
            }
        }
        throw new IOException(
                "Kafka broker not ready after " + timeout.toSeconds() + " s; see " + logFile);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** Whether this is the secured broker of {@link #startSecured}. */
    public boolean secured() {
        return security != null;
    }

    /** The test CA of the secured broker. */
    public LocalCertificateAuthority certificateAuthority() {
        requireSecured();
        return security.ca();
    }

    /** The password of one of the secured broker's users. */
    public String password(String user) {
        requireSecured();
        String p = security.passwords().get(user);
        if (p == null) {
            throw new IllegalArgumentException("the secured broker has no user " + user);
        }
        return p;
    }

    /**
     * The client properties that reach this broker as the given user, bootstrap servers aside: none
     * for the plain broker; for the secured one, TLS trusting the test CA (PKCS12 trust store) and
     * SCRAM-SHA-512 with the user's password.
     */
    public Map<String, String> clientProperties(String user) {
        if (security == null) {
            return Map.of();
        }
        return Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "SASL_SSL",
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                security.ca().truststore().toString(),
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
                "PKCS12",
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
                security.ca().storePassword(),
                SaslConfigs.SASL_MECHANISM,
                SCRAM,
                SaslConfigs.SASL_JAAS_CONFIG,
                scramLogin(user, password(user)));
    }

    private static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    private void requireSecured() {
        if (security == null) {
            throw new IllegalStateException("not the secured broker");
        }
    }

    /** An admin client: for the secured broker, as its super user. */
    public Admin admin() {
        Properties p = new Properties();
        if (security != null) {
            p.putAll(clientProperties(ADMIN_USER));
        }
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(p);
    }

    /** Creates the standard topics of DESIGN.md with the given partition count. */
    public void createStandardTopics(int partitions) throws IOException {
        List<NewTopic> topics = new ArrayList<>();
        STANDARD_TOPICS.forEach(
                (name, compacted) -> {
                    NewTopic t = new NewTopic(name, partitions, (short) 1);
                    if (compacted) {
                        t.configs(
                                Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG,
                                        TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    topics.add(t);
                });
        createTopics(topics);
    }

    public void createTopics(Collection<NewTopic> topics) throws IOException {
        try (Admin admin = admin()) {
            for (var e : admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IOException("cannot create topic " + e.getKey(), ex.getCause());
                    }
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot create topics", e);
        }
    }

    public void createTopic(String name, int partitions) throws IOException {
        createTopics(Set.of(new NewTopic(name, partitions, (short) 1)));
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void runToEnd(List<String> command, Path dir, Path logFile) throws IOException {
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("Kafka storage format timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(
                        "Kafka storage format failed; see " + logFile + ":\n" + tail(logFile));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
