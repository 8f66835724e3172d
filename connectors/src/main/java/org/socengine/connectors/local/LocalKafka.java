package org.socengine.connectors.local;

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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in a child JVM, on free
 * loopback ports, with its data under the working directory. Started from the Kafka jars on this
 * JVM's class path, so it needs nothing but what the build fetched from Maven Central.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

    /** The topics of DESIGN.md, created at start; compacted ones are marked. */
    public static final Map<String, Boolean> STANDARD_TOPICS =
            Map.ofEntries(
                    Map.entry("soc.raw.syslog", false),
                    Map.entry("soc.raw.suricata", false),
                    Map.entry("soc.raw.zeek", false),
                    Map.entry("soc.raw.netflow", false),
                    Map.entry("soc.raw.winlog", false),
                    Map.entry("soc.raw.web", false),
                    Map.entry("soc.raw.dns", false),
                    Map.entry("soc.dlq", false),
                    Map.entry("soc.rules", true),
                    Map.entry("soc.rules.status", false),
                    Map.entry("soc.intel", true),
                    Map.entry("soc.alerts", false),
                    Map.entry("soc.alert-status", false),
                    Map.entry("soc.incidents", false));

    private final Path dir;
    private final int port;
    private final ManagedProcess process;

    private LocalKafka(Path dir, int port, ManagedProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static LocalKafka start(Path workDir) throws IOException {
        return start(workDir, Duration.ofSeconds(90));
    }

    public static LocalKafka start(Path workDir, Duration timeout) throws IOException {
        Path dir = WorkDirs.ensure(workDir.resolve("kafka"));
        Path pidFile = dir.resolve("kafka.pid");
        ManagedProcess.killStale("kafka", pidFile);
        Path data = dir.resolve("data");
        deleteRecursively(data);
        Files.createDirectories(data);
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path props = dir.resolve("server.properties");
        Files.writeString(
                props, serverProperties(data, port, controllerPort), StandardCharsets.UTF_8);
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
        runToEnd(format, dir, logFile);

        List<String> serve = new ArrayList<>(jvm);
        serve.add("kafka.Kafka");
        serve.add(props.toString());
        ManagedProcess mp = ManagedProcess.start("kafka", serve, dir, logFile, pidFile, Map.of());
        LocalKafka kafka = new LocalKafka(dir, port, mp);
        try {
            kafka.awaitReady(timeout, logFile);
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Kafka broker ready at {}", kafka.bootstrapServers());
        return kafka;
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
                "log.retention.hours=168",
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "");
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

    public Admin admin() {
        Properties p = new Properties();
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
    public void close() {
        process.close();
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
