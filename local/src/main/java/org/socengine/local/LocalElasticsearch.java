package org.socengine.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch from the official distribution zip on Maven Central, with a
 * small heap, on a free loopback port. It refuses to run as root, so when we are root the node runs
 * as {@code nobody} through {@code setpriv}; its home and data live in folders that user can reach.
 * It needs a JDK 21+, found by {@link JdkFinder}.
 */
public final class LocalElasticsearch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalElasticsearch.class);
    private static final String NOBODY_UID = "65534";

    private final int port;
    private final Path dir;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logFile;
    private final Path pidFile;
    private final Options options;
    private final boolean https;
    private ManagedProcess process;

    private LocalElasticsearch(
            int port,
            Path dir,
            List<String> command,
            Map<String, String> env,
            Path logFile,
            Path pidFile,
            Options options) {
        this.port = port;
        this.dir = dir;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.logFile = logFile;
        this.pidFile = pidFile;
        this.options = options;
        this.https = "true".equals(options.settings.get("xpack.security.http.ssl.enabled"));
    }

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = LocalElasticsearch.class.getResourceAsStream("versions.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing versions.properties", e);
        }
        return p.getProperty("elasticsearch.version");
    }

    public static LocalElasticsearch start(Path workDir) throws IOException {
        return start(workDir, new Options());
    }

    /**
     * @param heap the JVM heap, such as {@code 512m}
     * @param settings extra {@code -E} settings (for example, security on for the TLS tests)
     */
    public static LocalElasticsearch start(
            Path workDir, String heap, Duration timeout, Map<String, String> settings)
            throws IOException {
        return start(workDir, new Options().heap(heap).timeout(timeout).settings(settings));
    }

    /** Starts a node as the options say: settings, files of its config folder, file-realm users. */
    public static LocalElasticsearch start(Path workDir, Options options) throws IOException {
        Path jdk =
                JdkFinder.find(21)
                        .orElseThrow(
                                () ->
                                        new IOException(
                                                "Elasticsearch "
                                                        + version()
                                                        + " needs a JDK 21 or newer and none was found: install one "
                                                        + "(for example 'apt-get install openjdk-21-jdk-headless' or Temurin 21/25 under /usr/lib/jvm) "
                                                        + "or point ES_JAVA_HOME at it"));
        Path dir = WorkDirs.ensure(workDir.resolve("elasticsearch"));
        Path pidFile = dir.resolve("elasticsearch.pid");
        ManagedProcess.killStale("elasticsearch", pidFile);
        Path home = unpack(workDir);
        Path data = dir.resolve("data");
        LocalKafka.deleteRecursively(data);
        Path logs = WorkDirs.ensure(dir.resolve("logs"));
        Files.createDirectories(data);
        // A config folder of its own (ES_PATH_CONF): nodes sharing one unpacked distribution
        // must not share certificates, users or the keystore.
        Path conf = dir.resolve("config");
        LocalKafka.deleteRecursively(conf);
        copyTree(home.resolve("config"), conf);
        for (Map.Entry<String, String> f : options.configFiles.entrySet()) {
            Path target = conf.resolve(f.getKey()).normalize();
            if (!target.startsWith(conf)) {
                throw new IOException("config file outside the config folder: " + f.getKey());
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        }
        Path logFile = dir.resolve("elasticsearch.out");
        Files.deleteIfExists(logFile);
        Files.createFile(logFile);
        boolean root = WorkDirs.runningAsRoot();
        if (root) {
            chown(home);
            chown(dir);
        }
        List<String> asUser = new ArrayList<>();
        if (root) {
            asUser.addAll(
                    List.of(
                            "setpriv",
                            "--reuid=" + NOBODY_UID,
                            "--regid=" + NOBODY_UID,
                            "--clear-groups"));
        }
        Map<String, String> env = new HashMap<>();
        env.put("ES_JAVA_HOME", jdk.toString());
        env.put(
                "ES_JAVA_OPTS",
                "-Xms"
                        + options.heap
                        + " -Xmx"
                        + options.heap
                        + " -XX:-HeapDumpOnOutOfMemoryError");
        env.put("HOME", home.toString());
        env.put("ES_PATH_CONF", conf.toString());
        for (User u : options.users) {
            List<String> add = new ArrayList<>(asUser);
            add.addAll(
                    List.of(
                            home.resolve("bin/elasticsearch-users").toString(),
                            "useradd",
                            u.name(),
                            "-p",
                            u.password(),
                            "-r",
                            String.join(",", u.roles())));
            runWithEnv(add, env, "elasticsearch-users useradd " + u.name());
        }
        int port = Ports.free();
        int transport = Ports.free();
        List<String> cmd = new ArrayList<>(asUser);
        cmd.add(home.resolve("bin/elasticsearch").toString());
        Map<String, String> all = new HashMap<>();
        all.put("discovery.type", "single-node");
        all.put("network.host", "127.0.0.1");
        all.put("http.port", Integer.toString(port));
        all.put("transport.port", Integer.toString(transport));
        all.put("xpack.security.enabled", "false");
        all.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        all.put("cluster.name", "soc-local");
        all.put("path.data", data.toString());
        all.put("path.logs", logs.toString());
        all.put("action.auto_create_index", "true");
        all.putAll(options.settings);
        all.forEach((k, v) -> cmd.add("-E" + k + "=" + v));
        env.remove("JAVA_HOME");
        LocalElasticsearch es =
                new LocalElasticsearch(port, dir, cmd, env, logFile, pidFile, options);
        es.launch(options.timeout);
        LOG.info("Elasticsearch {} ready at {}", version(), es.url());
        return es;
    }

    private void launch(Duration timeout) throws IOException {
        process = ManagedProcess.start("elasticsearch", command, dir, logFile, pidFile, env);
        try {
            awaitReady(timeout);
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /**
     * Stops the node and keeps its data, for tests of an outage: {@link #restart} brings it back on
     * the same port with the same indices.
     */
    public synchronized void stop() {
        if (process != null) {
            process.close();
        }
    }

    /**
     * Kills the node with SIGKILL (no shutdown, no flush), as a crash would; {@link #restart}
     * brings it back and it recovers its shards from the translog.
     */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** Starts the stopped node again (or stops and starts a running one), keeping its data. */
    public synchronized void restart(Duration timeout) throws IOException {
        stop();
        launch(timeout);
        LOG.info("Elasticsearch restarted at {}", url());
    }

    public String url() {
        return (https ? "https" : "http") + "://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** The node's config folder, where certificates and file-realm users live. */
    public Path configDir() {
        return dir.resolve("config");
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (https) {
            if (options.caCertificate == null) {
                throw new IOException("an https node needs the CA certificate to check readiness");
            }
            hb.sslContext(LocalCertificateAuthority.trusting(options.caCertificate));
        }
        HttpClient http = hb.build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "Elasticsearch exited during start-up; see "
                                + logFile
                                + ":\n"
                                + LocalKafka.tail(logFile));
            }
            try {
                HttpRequest.Builder rb =
                        HttpRequest.newBuilder(
                                        URI.create(
                                                url()
                                                        + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
                                .timeout(Duration.ofSeconds(5));
                if (options.readinessUser != null) {
                    rb.header(
                            "Authorization",
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    (options.readinessUser.name()
                                                                    + ":"
                                                                    + options.readinessUser
                                                                            .password())
                                                            .getBytes(StandardCharsets.UTF_8)));
                }
                HttpResponse<String> r =
                        http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200
                        && r.headers()
                                .firstValue("X-Elastic-Product")
                                .orElse("")
                                .equals("Elasticsearch")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Elasticsearch", e);
            }
            LocalKafka.sleep(500);
        }
        throw new IOException(
                "Elasticsearch not ready after "
                        + timeout.toSeconds()
                        + " s; see "
                        + logFile
                        + ":\n"
                        + LocalKafka.tail(logFile));
    }

    /** A user of the node's file realm, created with {@code bin/elasticsearch-users}. */
    public record User(String name, String password, List<String> roles) {
        @Override
        public String toString() {
            return "User{" + name + ", roles=" + roles + "}";
        }
    }

    /** How to start a node: heap, start-up timeout, settings, config files, users. */
    public static final class Options {
        private String heap = "512m";
        private Duration timeout = Duration.ofSeconds(180);
        private final Map<String, String> settings = new HashMap<>();
        private final Map<String, String> configFiles = new HashMap<>();
        private final List<User> users = new ArrayList<>();
        private Path caCertificate;
        private User readinessUser;

        public Options heap(String heap) {
            this.heap = heap;
            return this;
        }

        public Options timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Options settings(Map<String, String> settings) {
            this.settings.putAll(settings);
            return this;
        }

        public Options setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** A file of the config folder, such as a certificate or {@code roles.yml}. */
        public Options configFile(String relativePath, String content) {
            configFiles.put(relativePath, content);
            return this;
        }

        public Options user(String name, String password, String... roles) {
            users.add(new User(name, password, List.of(roles)));
            return this;
        }

        /**
         * For a node with TLS and authentication: the CA to trust and the user that checks
         * readiness.
         */
        public Options readiness(Path caCertificate, String user, String password) {
            this.caCertificate = caCertificate;
            this.readinessUser = user == null ? null : new User(user, password, List.of());
            return this;
        }
    }

    /**
     * The distribution zip: {@code SOC_ES_ZIP}, or where the build put it in the local Maven
     * repository.
     */
    static Path distributionZip() throws IOException {
        String explicit = System.getProperty("soc.es.zip", System.getenv("SOC_ES_ZIP"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String repo = System.getProperty("maven.repo.local");
        Path base =
                repo != null
                        ? Path.of(repo)
                        : Path.of(System.getProperty("user.home"), ".m2", "repository");
        String v = version();
        Path zip =
                base.resolve("org/elasticsearch/distribution/integ-test-zip/elasticsearch")
                        .resolve(v)
                        .resolve("elasticsearch-" + v + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IOException(
                    "the Elasticsearch distribution "
                            + zip
                            + " is missing: build the project first (./soc builds it, or 'mvn install -DskipTests'), or set SOC_ES_ZIP");
        }
        return zip;
    }

    /**
     * Unpacks the distribution once into a folder the unprivileged user can reach; an unpack
     * interrupted half-way is detected by its missing marker and redone.
     */
    static synchronized Path unpack(Path workDir) throws IOException {
        String v = version();
        Path parent = WorkDirs.ensure(workDir.resolve("dist"));
        Path home = parent.resolve("elasticsearch-" + v);
        Path marker = parent.resolve(".elasticsearch-" + v + ".complete");
        if (Files.exists(marker) && Files.isExecutable(home.resolve("bin/elasticsearch"))) {
            return home;
        }
        LocalKafka.deleteRecursively(home);
        Path zipPath = distributionZip();
        LOG.info("unpacking {} into {}", zipPath, parent);
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path target = parent.resolve(e.getName()).normalize();
                if (!target.startsWith(parent)) {
                    throw new IOException("zip entry outside the target folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Zip entries carry no permission bits for java.util.zip: the launchers must be executable.
        try (var walk = Files.walk(home)) {
            for (Path p : walk.toList()) {
                String rel = home.relativize(p).toString();
                if (Files.isRegularFile(p)
                        && (rel.startsWith("bin/")
                                || rel.contains("/bin/")
                                || rel.contains("/platform/"))) {
                    p.toFile().setExecutable(true, false);
                }
                p.toFile().setReadable(true, false);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.createFile(marker);
        return home;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        WorkDirs.ensure(to);
    }

    private static void runWithEnv(List<String> cmd, Map<String, String> env, String what)
            throws IOException {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            pb.environment().remove("JAVA_HOME");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                // The command line holds a password: report the tool's output, not the command.
                throw new IOException(what + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void chown(Path p) throws IOException {
        run(List.of("chown", "-R", NOBODY_UID + ":" + NOBODY_UID, p.toString()));
    }

    private static void run(List<String> cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
