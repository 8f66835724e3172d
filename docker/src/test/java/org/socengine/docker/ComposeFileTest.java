package org.socengine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.yml: the stack of issue 14, wired so that {@code docker compose up} can work.
 * Docker Compose itself validates the file ({@code docker compose config}, or {@code docker-compose
 * config}) where one is installed; where none is, that test is skipped and says so. The rest reads
 * the file as YAML and checks what Compose cannot: that every mounted file exists, that the image
 * holds what the services run, that the dashboards and the scrape targets are wired.
 */
class ComposeFileTest {

    private static final Path DOCKER = Path.of("").toAbsolutePath();
    private static final Path ROOT = DOCKER.getParent();
    private static final Path COMPOSE = DOCKER.resolve("compose.yml");

    private static final Set<String> SERVICES =
            Set.of(
                    "kafka",
                    "kafka-init",
                    "elasticsearch",
                    "kibana",
                    "kibana-dashboards",
                    "jobmanager",
                    "taskmanager",
                    "soc-jobs",
                    "simulator",
                    "prometheus",
                    "grafana");

    /** One-shot services: they run to completion, so a health check means nothing for them. */
    private static final Set<String> ONE_SHOT =
            Set.of("kafka-init", "kibana-dashboards", "soc-jobs");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(COMPOSE));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Optional<List<String>> compose = composeCommand();
        Assumptions.assumeTrue(
                compose.isPresent(),
                "neither `docker compose` nor `docker-compose` is installed here: the file is"
                        + " checked as YAML only (apt-get install docker-compose)");
        List<String> cmd = new ArrayList<>(compose.get());
        cmd.addAll(List.of("-f", COMPOSE.toString(), "config", "-q"));
        runCompose(cmd);
    }

    /**
     * Runs a {@code config} command of Docker Compose on the file and returns its output, with the
     * secrets' files (the operator's to create, docker/secrets/README.md) there for the run.
     */
    private static String runCompose(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(DOCKER.toFile());
        Path[] made = {
            DOCKER.resolve("secrets/webhook_secret"),
            DOCKER.resolve("secrets/grafana_admin_password")
        };
        List<Path> created = new ArrayList<>();
        for (Path p : made) {
            if (!Files.exists(p)) {
                Files.writeString(p, "test-only");
                created.add(p);
            }
        }
        try {
            Process p = pb.start();
            // stderr apart: Compose warns there (an unset variable), stdout is the file.
            var err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue())
                    .as(String.join(" ", cmd) + ":\n" + out + err.get(10, TimeUnit.SECONDS))
                    .isZero();
            return out;
        } finally {
            for (Path c : created) {
                Files.deleteIfExists(c);
            }
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** {@code docker compose} (the plugin), else {@code docker-compose}, if either answers. */
    private static Optional<List<String>> composeCommand() {
        for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(c);
            version.add("version");
            try {
                Process p = new ProcessBuilder(version).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(c);
                }
            } catch (IOException e) {
                // Not installed: try the next.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Test
    void everyPartOfTheStackIsThereAndTheLongRunningOnesHaveHealthChecks() throws Exception {
        Map<String, Map<String, Object>> services = services();
        assertThat(services.keySet()).containsAll(SERVICES);
        services.forEach(
                (name, s) -> {
                    if (!ONE_SHOT.contains(name)) {
                        assertThat(s).as(name).containsKey("healthcheck");
                        assertThat(s.get("restart")).as(name).isNotNull();
                    }
                });
        // KRaft: the broker is its own controller, no ZooKeeper anywhere.
        Map<?, ?> kafkaEnv = (Map<?, ?>) services.get("kafka").get("environment");
        assertThat(kafkaEnv.get("KAFKA_PROCESS_ROLES").toString()).contains("controller");
        assertThat(Files.readString(COMPOSE)).doesNotContainIgnoringCase("zookeeper");
        // Two TaskManagers by default, scaled with --scale.
        Map<?, ?> deploy = (Map<?, ?>) services.get("taskmanager").get("deploy");
        assertThat(deploy.get("replicas")).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyVolumeIsDeclaredAndEveryMountedFileExists() throws Exception {
        Map<String, Object> compose = compose();
        Set<String> declared = ((Map<String, Object>) compose.get("volumes")).keySet();
        for (var e : services().entrySet()) {
            List<String> volumes = (List<String>) e.getValue().getOrDefault("volumes", List.of());
            for (String v : volumes) {
                String source = v.substring(0, v.indexOf(':'));
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source).normalize())
                            .as(e.getKey() + ": " + v)
                            .exists();
                } else {
                    assertThat(declared).as(e.getKey() + ": " + v).contains(source);
                }
            }
        }
        Map<String, Map<String, String>> secrets =
                (Map<String, Map<String, String>>) compose.get("secrets");
        for (Map<String, String> s : secrets.values()) {
            // The secret files themselves are the operator's; their folder and its guide are ours.
            assertThat(DOCKER.resolve(s.get("file")).getParent().resolve("README.md")).exists();
        }
        assertThat(Files.readString(DOCKER.resolve("secrets/.gitignore")))
                .contains("webhook_secret", "grafana_admin_password");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardsAreLoadedAtStart() throws Exception {
        // dashboards/ is the one home of the dashboards, their provisioning and the scrape
        // configuration; the stack mounts them from there (DashboardFilesTest checks the contents).
        Path dashboards = ROOT.resolve("dashboards");
        Map<String, Map<String, Object>> services = services();
        assertThat((List<String>) services.get("grafana").get("volumes"))
                .contains(
                        "../dashboards/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "../dashboards/grafana:/var/lib/grafana/dashboards/soc:ro");
        assertThat(Files.readString(dashboards.resolve("grafana/provisioning/dashboards/soc.yml")))
                .contains("path: /var/lib/grafana/dashboards/soc");
        assertThat(
                        Files.readString(
                                dashboards.resolve(
                                        "grafana/provisioning/datasources/prometheus.yml")))
                .contains("url: http://prometheus:9090");
        assertThat((List<String>) services.get("kibana-dashboards").get("volumes"))
                .contains("../dashboards/kibana:/dashboards:ro");
        assertThat((List<String>) services.get("kibana-dashboards").get("entrypoint"))
                .containsExactly("/bin/sh", "/dashboards/import.sh");
        assertThat(Files.readString(dashboards.resolve("kibana/import.sh")))
                .contains("/api/saved_objects/_import", "*.ndjson");
        assertThat((List<String>) services.get("prometheus").get("volumes"))
                .contains(
                        "../dashboards/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }

    /** The Flink processes of the stack, each of which runs both metric reporters. */
    private static final List<String> FLINK_PROCESSES = List.of("jobmanager", "taskmanager");

    private static final String SOC_REPORTER =
            "org.socengine.jobs.internal.SocMetricsReporterFactory";

    /**
     * The services as Docker Compose resolves them ({@code config}: merge keys, anchors), where it
     * is installed; else as SnakeYAML reads the file, which resolves the same merge keys.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> resolvedServices() throws Exception {
        Optional<List<String>> compose = composeCommand();
        if (compose.isEmpty()) {
            return services();
        }
        List<String> cmd = new ArrayList<>(compose.get());
        cmd.addAll(List.of("-f", COMPOSE.toString(), "config"));
        Map<String, Object> resolved = (Map<String, Object>) new Yaml().load(runCompose(cmd));
        return (Map<String, Map<String, Object>>) resolved.get("services");
    }

    /**
     * A Flink process's configuration: its FLINK_PROPERTIES, which the image's entry point writes.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> flinkProperties(Map<String, Object> service) {
        Object env = service.get("environment");
        assertThat(env).isInstanceOf(Map.class);
        Object props = ((Map<String, Object>) env).get("FLINK_PROPERTIES");
        assertThat(props).as("FLINK_PROPERTIES").isInstanceOf(String.class);
        return (Map<String, Object>) new Yaml().load((String) props);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFlinkProcessRunsTheEngineReporterAsAPluginAndPrometheusScrapesItsPort()
            throws Exception {
        // The image: the job jar in a plugin folder of its own, where Flink finds reporters at
        // process start (a jar directly in plugins/ is not a plugin).
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        Matcher plugin =
                Pattern.compile(
                                "(?m)^COPY (?:--\\S+ )*jobs/target/soc-jobs.jar"
                                        + " /opt/flink/plugins/([\\w.-]+)/[\\w.-]+\\.jar$")
                        .matcher(dockerfile);
        assertThat(plugin.find()).as("the job jar copied into /opt/flink/plugins/<name>/").isTrue();
        // The factory named is the job jar's, and registered for Flink's service loader.
        Path jobsMain = ROOT.resolve("jobs/src/main");
        assertThat(jobsMain.resolve("java/" + SOC_REPORTER.replace('.', '/') + ".java")).exists();
        assertThat(
                        Files.readString(
                                jobsMain.resolve(
                                        "resources/META-INF/services/"
                                                + "org.apache.flink.metrics.reporter.MetricReporterFactory")))
                .contains(SOC_REPORTER);

        Map<String, Map<String, Object>> services = resolvedServices();
        Integer socPort = null;
        Integer promPort = null;
        for (String name : FLINK_PROCESSES) {
            Map<String, Object> service = services.get(name);
            assertThat(service.get("image")).as(name).isEqualTo("soc-engine:dev");
            Map<String, Object> flink = flinkProperties(service);
            assertThat(flink)
                    .as(name)
                    .containsEntry("metrics.reporter.soc.factory.class", SOC_REPORTER)
                    // Prometheus scrapes from its own container: the loopback default would not do.
                    .containsEntry("metrics.reporter.soc.bind", "0.0.0.0")
                    .containsEntry(
                            "metrics.reporter.prom.factory.class",
                            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            // One process per container: a single port, the same on every process.
            int soc = (Integer) flink.get("metrics.reporter.soc.port");
            int prom = (Integer) flink.get("metrics.reporter.prom.port");
            assertThat(socPort == null || socPort == soc).as(name + " soc port").isTrue();
            assertThat(promPort == null || promPort == prom).as(name + " prom port").isTrue();
            socPort = soc;
            promPort = prom;
            // The endpoints have no authentication: scraped inside the stack's network, never
            // published on the host.
            List<Object> ports = (List<Object>) service.getOrDefault("ports", List.of());
            for (Object published : ports) {
                assertThat(String.valueOf(published))
                        .as(name + " publishes a metrics port")
                        .doesNotContain(String.valueOf(soc))
                        .doesNotContain(String.valueOf(prom));
            }
            // The health checks stay: the JobManager's REST API, the TaskManagers' own metrics.
            assertThat(service).as(name).containsKey("healthcheck");
        }
        assertThat(socPort).isNotEqualTo(promPort);

        Map<String, Object> prometheus =
                (Map<String, Object>)
                        new Yaml()
                                .load(
                                        Files.readString(
                                                ROOT.resolve(
                                                        "dashboards/prometheus/prometheus.yml")));
        List<Map<String, Object>> scrapeJobs =
                (List<Map<String, Object>>) prometheus.get("scrape_configs");
        assertScrapesEveryFlinkProcess(scrapeJobs, socPort);
        assertScrapesEveryFlinkProcess(scrapeJobs, promPort);
        // The engine's checkpoint metrics carry the Flink job's name as `job`: kept.
        Map<String, Object> soc =
                scrapeJobs.stream()
                        .filter(j -> "soc-engine".equals(j.get("job_name")))
                        .findFirst()
                        .orElseThrow();
        assertThat(soc.get("honor_labels")).isEqualTo(true);
        assertThat(soc.toString()).contains("jobmanager:" + socPort);
    }

    /**
     * Some scrape job has the JobManager on {@code port} as a static target, some has the
     * TaskManagers found by DNS on it (so that {@code --scale taskmanager=N} needs no change).
     */
    @SuppressWarnings("unchecked")
    private static void assertScrapesEveryFlinkProcess(List<Map<String, Object>> jobs, int port) {
        boolean jobmanager = false;
        boolean taskmanagers = false;
        for (Map<String, Object> job : jobs) {
            for (Map<String, Object> sc :
                    (List<Map<String, Object>>) job.getOrDefault("static_configs", List.of())) {
                jobmanager |= ((List<String>) sc.get("targets")).contains("jobmanager:" + port);
            }
            for (Map<String, Object> dns :
                    (List<Map<String, Object>>) job.getOrDefault("dns_sd_configs", List.of())) {
                taskmanagers |=
                        ((List<String>) dns.get("names")).contains("taskmanager")
                                && Integer.valueOf(port).equals(dns.get("port"));
            }
        }
        assertThat(jobmanager).as("jobmanager:" + port + " scraped").isTrue();
        assertThat(taskmanagers).as("taskmanagers scraped on " + port).isTrue();
    }

    /**
     * Every TaskManager's JVM reads the compiler directives file the image holds: a file the JVM
     * cannot read stops it from starting. The compose file and both Kubernetes deployments name the
     * same path, the Dockerfile copies the repository's file there, and the file is what {@code
     * ./soc} uses.
     */
    @Test
    void theTaskManagersLeaveEspersGeneratedCodeToC1WithAFileTheImageHolds() throws Exception {
        String option = "-XX:CompilerDirectivesFile=" + JIT_DIRECTIVES_IN_IMAGE;
        assertThat(
                        String.valueOf(
                                flinkProperties(resolvedServices().get("taskmanager"))
                                        .get("env.java.opts.taskmanager")))
                .as("taskmanager")
                .contains("-XX:+UnlockDiagnosticVMOptions", option);
        for (String manifest : List.of("soc-detection.yaml", "soc-escalation.yaml")) {
            assertThat(Files.readString(ROOT.resolve("deploy/k8s").resolve(manifest)))
                    .as(manifest)
                    .contains("env.java.opts.taskmanager: -XX:+UnlockDiagnosticVMOptions", option);
        }
        assertThat(Files.readString(DOCKER.resolve("Dockerfile")))
                .containsPattern(
                        "(?m)^COPY (?:--\\S+ )*config/jvm/esper-generated-code.json "
                                + Pattern.quote(JIT_DIRECTIVES_IN_IMAGE)
                                + "$");
        Path file = ROOT.resolve("config/jvm/esper-generated-code.json");
        assertThat(file).exists();
        assertThat(Files.readString(ROOT.resolve("soc")))
                .contains("config/jvm/esper-generated-code.json");
        assertThat(Files.readString(file)).contains("\"generated/*.*\"", "Exclude: true");
    }

    private static final String JIT_DIRECTIVES_IN_IMAGE = "/opt/soc/jvm/esper-generated-code.json";

    /**
     * The TaskManagers that run the detection job have the metaspace that docs/operations.md asks
     * for: Flink's default of 256m is below what the cluster test measured (229 MiB), and a
     * TaskManager out of metaspace dies with the job.
     */
    @Test
    void theDetectionTaskManagersHaveTheMetaspaceEspersClassesNeed() throws Exception {
        String key = "taskmanager.memory.jvm-metaspace.size";
        String documented = Files.readString(ROOT.resolve("docs/operations.md"));
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + ": (\\d+m)").matcher(documented);
        assertThat(m.find()).as("docs/operations.md names " + key).isTrue();
        long needed = mebibytes(m.group(1));
        assertThat(needed).isGreaterThanOrEqualTo(384);
        assertThat(
                        mebibytes(
                                String.valueOf(
                                        flinkProperties(resolvedServices().get("taskmanager"))
                                                .get(key))))
                .as("compose taskmanager")
                .isGreaterThanOrEqualTo(needed);
        Map<String, Object> manifest =
                new Yaml().load(Files.readString(ROOT.resolve("deploy/k8s/soc-detection.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> conf =
                (Map<String, Object>)
                        ((Map<String, Object>) manifest.get("spec")).get("flinkConfiguration");
        assertThat(mebibytes(String.valueOf(conf.get(key))))
                .as("soc-detection.yaml")
                .isGreaterThanOrEqualTo(needed);
    }

    private static long mebibytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([mg])").matcher(size.trim().toLowerCase(Locale.ROOT));
        assertThat(m.matches()).as("a size in m or g: " + size).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("g") ? n * 1024 : n;
    }

    @Test
    void theImageHoldsWhatTheServicesRun() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        List<String> targets = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile);
        while (m.find()) {
            targets.add(m.group(1));
        }
        assertThat(targets).containsExactly("engine", "simulator");
        assertThat(Files.readString(COMPOSE)).contains("target: engine", "target: simulator");
        // What the image copies, the build makes (or the repository holds), and the builder is
        // sent.
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"));
        Matcher copy = Pattern.compile("(?m)^COPY (?:--\\S+ )*(\\S+) (\\S+)$").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            String source = copy.group(1);
            assertThat(ignore).as(source).contains("!" + source);
            if (!source.contains("/target/")) {
                assertThat(ROOT.resolve(source)).as(source).exists();
            }
        }
        assertThat(copies).isEqualTo(7);
        assertThat(dockerfile)
                .contains("jobs/target/soc-jobs.jar /opt/flink/usrlib/soc-jobs.jar")
                .contains("org.socengine.sim.SimulatorMain");
        String submit = Files.readString(DOCKER.resolve("submit-jobs.sh"));
        assertThat(submit)
                .contains(
                        "/opt/flink/usrlib/soc-jobs.jar",
                        "org.socengine.jobs.detection.DetectionJobMain",
                        "org.socengine.jobs.escalation.EscalationJobMain",
                        "/opt/soc/escalation-policy.yml",
                        "/opt/soc/rules/detections");
        assertThat(ROOT.resolve("sim/src/main/java/org/socengine/sim/SimulatorMain.java")).exists();
    }
}
