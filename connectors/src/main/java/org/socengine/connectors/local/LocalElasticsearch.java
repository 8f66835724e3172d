package org.socengine.connectors.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
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
    private final ManagedProcess process;
    private final Path dir;

    private LocalElasticsearch(int port, ManagedProcess process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
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
        return start(workDir, "512m", Duration.ofSeconds(180), Map.of());
    }

    /**
     * @param heap the JVM heap, such as {@code 512m}
     * @param settings extra {@code -E} settings (for example, security on for the TLS tests)
     */
    public static LocalElasticsearch start(
            Path workDir, String heap, Duration timeout, Map<String, String> settings)
            throws IOException {
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
        Path logFile = dir.resolve("elasticsearch.out");
        Files.deleteIfExists(logFile);
        Files.createFile(logFile);
        boolean root = WorkDirs.runningAsRoot();
        if (root) {
            chown(home);
            chown(dir);
        }
        int port = Ports.free();
        int transport = Ports.free();
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(
                    List.of(
                            "setpriv",
                            "--reuid=" + NOBODY_UID,
                            "--regid=" + NOBODY_UID,
                            "--clear-groups"));
        }
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
        all.putAll(settings);
        all.forEach((k, v) -> cmd.add("-E" + k + "=" + v));
        Map<String, String> env = new HashMap<>();
        env.put("ES_JAVA_HOME", jdk.toString());
        env.put(
                "ES_JAVA_OPTS",
                "-Xms" + heap + " -Xmx" + heap + " -XX:-HeapDumpOnOutOfMemoryError");
        env.put("HOME", home.toString());
        env.remove("JAVA_HOME");
        ManagedProcess mp = ManagedProcess.start("elasticsearch", cmd, dir, logFile, pidFile, env);
        LocalElasticsearch es = new LocalElasticsearch(port, mp, dir);
        try {
            es.awaitReady(timeout, logFile);
        } catch (IOException | RuntimeException e) {
            es.close();
            throw e;
        }
        LOG.info("Elasticsearch {} ready at {}", version(), es.url());
        return es;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitReady(Duration timeout, Path logFile) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
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
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        url()
                                                                + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
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
        process.close();
    }
}
