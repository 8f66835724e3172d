package org.socengine.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Flink session cluster: one JobManager and some TaskManagers, each in its own
 * JVM, started the way Flink's {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them
 * (the memory settings computed by Flink's own {@code BashJavaUtils}, a {@code config.yaml} in a
 * configuration folder), from a class path of Flink's artifacts on Maven Central; {@code
 * flink-dist} itself is not published there. Jobs reach it only through its REST API, as {@code
 * flink run} and a browser do: {@link #uploadJar}, {@link #run}, {@link #savepoint}, {@link
 * #cancel}.
 *
 * <p>A test and operator-guide tool: it knows nothing of the engine. Whatever the jobs read from
 * the environment ({@code SOC_KAFKA}, {@code SOC_ES_URL}) is given to every process of the cluster,
 * as a container or a systemd unit would.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);

    private static final String JOB_MANAGER =
            "org.apache.flink.runtime.entrypoint." + "StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER =
            "org.apache.flink.runtime.taskexecutor." + "TaskManagerRunner";
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash." + "BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /**
     * What Flink's default {@code config.yaml} passes as {@code env.java.opts.all}: on Java 17 its
     * serializers and network stack reflect into the JDK.
     */
    static final List<String> JAVA_OPTS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                    "--add-opens=java.sql/java.sql=ALL-UNNAMED");

    /**
     * The cluster's shape.
     *
     * @param taskManagers TaskManager processes
     * @param slotsPerTaskManager task slots of each
     * @param taskManagerMemory {@code taskmanager.memory.process.size} of each, e.g. {@code 768m}
     * @param jobManagerMemory {@code jobmanager.memory.process.size}
     * @param env environment of every process (the jobs' connection settings)
     * @param config further {@code config.yaml} entries
     * @param plugins Flink plugins: a folder name under {@code plugins/} to its jars (a metric
     *     reporter, a file system), each loaded by Flink in a class loader of its own
     */
    public record Options(
            int taskManagers,
            int slotsPerTaskManager,
            String taskManagerMemory,
            String jobManagerMemory,
            Map<String, String> env,
            Map<String, String> config,
            Map<String, List<Path>> plugins) {

        /**
         * Two TaskManagers of four slots and 1 GiB (about 340 MiB of task heap), a JobManager of
         * 1.25 GiB.
         */
        public static Options defaults() {
            return new Options(2, 4, "1024m", "1280m", Map.of(), Map.of(), Map.of());
        }

        public Options withEnv(Map<String, String> e) {
            return new Options(
                    taskManagers,
                    slotsPerTaskManager,
                    taskManagerMemory,
                    jobManagerMemory,
                    Map.copyOf(e),
                    config,
                    plugins);
        }

        public Options withConfig(Map<String, String> c) {
            return new Options(
                    taskManagers,
                    slotsPerTaskManager,
                    taskManagerMemory,
                    jobManagerMemory,
                    env,
                    Map.copyOf(c),
                    plugins);
        }

        /** One more plugin, as {@code plugins/<name>/} of a Flink distribution holds it. */
        public Options withPlugin(String name, List<Path> jars) {
            Map<String, List<Path>> p = new LinkedHashMap<>(plugins);
            p.put(name, List.copyOf(jars));
            return new Options(
                    taskManagers,
                    slotsPerTaskManager,
                    taskManagerMemory,
                    jobManagerMemory,
                    env,
                    config,
                    Map.copyOf(p));
        }
    }

    private final Path dir;
    private final int restPort;
    private final ManagedProcess jobManager;
    private final List<ManagedProcess> taskManagers;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalFlinkCluster(
            Path dir, int restPort, ManagedProcess jobManager, List<ManagedProcess> taskManagers) {
        this.dir = dir;
        this.restPort = restPort;
        this.jobManager = jobManager;
        this.taskManagers = taskManagers;
    }

    /**
     * Starts the cluster under {@code workDir/flink} (configuration, logs, checkpoints, savepoints,
     * uploaded jars) and waits until every TaskManager has registered its slots.
     *
     * @param classpath Flink's jars (runtime, REST submission, RPC, state backends, logging)
     */
    public static LocalFlinkCluster start(Path workDir, List<Path> classpath, Options options)
            throws IOException {
        Path dir = WorkDirs.ensure(workDir.resolve("flink"));
        ManagedProcess.killStale("flink-jobmanager", dir.resolve("jobmanager.pid"));
        for (int i = 0; i < options.taskManagers(); i++) {
            ManagedProcess.killStale(
                    "flink-taskmanager-" + i, dir.resolve("taskmanager-" + i + ".pid"));
        }
        for (String sub : List.of("conf", "log", "tmp", "web", "plugins")) {
            LocalKafka.deleteRecursively(dir.resolve(sub));
            Files.createDirectories(dir.resolve(sub));
        }
        for (Map.Entry<String, List<Path>> plugin : options.plugins().entrySet()) {
            Path folder = Files.createDirectories(dir.resolve("plugins").resolve(plugin.getKey()));
            for (Path jar : plugin.getValue()) {
                Files.copy(jar, folder.resolve(jar.getFileName()));
            }
        }
        // Where Flink's scripts point every process (FLINK_PLUGINS_DIR, else ./plugins).
        Map<String, String> env = new LinkedHashMap<>(options.env());
        env.put("FLINK_PLUGINS_DIR", dir.resolve("plugins").toString());
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.createDirectories(dir.resolve("savepoints"));
        int restPort = Ports.free();
        Path conf = dir.resolve("conf");
        Files.writeString(
                conf.resolve("config.yaml"),
                configYaml(dir, restPort, Ports.free(), Ports.free(), options),
                StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
        String cp =
                String.join(
                        java.io.File.pathSeparator,
                        classpath.stream().map(Path::toString).toList());

        Resources jm = resources("GET_JM_RESOURCE_PARAMS", conf, cp, dir);
        ManagedProcess jobManager =
                ManagedProcess.start(
                        "flink-jobmanager",
                        command(
                                cp,
                                conf,
                                dir.resolve("log/jobmanager.log"),
                                jm,
                                processOpts(options, "env.java.opts.jobmanager"),
                                JOB_MANAGER,
                                List.of("--executionMode", "cluster")),
                        dir,
                        dir.resolve("log/jobmanager.out"),
                        dir.resolve("jobmanager.pid"),
                        env);
        List<ManagedProcess> tms = new ArrayList<>();
        LocalFlinkCluster cluster = new LocalFlinkCluster(dir, restPort, jobManager, tms);
        try {
            Resources tm = resources("GET_TM_RESOURCE_PARAMS", conf, cp, dir);
            for (int i = 0; i < options.taskManagers(); i++) {
                tms.add(
                        ManagedProcess.start(
                                "flink-taskmanager-" + i,
                                command(
                                        cp,
                                        conf,
                                        dir.resolve("log/taskmanager-" + i + ".log"),
                                        tm,
                                        processOpts(options, "env.java.opts.taskmanager"),
                                        TASK_MANAGER,
                                        List.of()),
                                dir,
                                dir.resolve("log/taskmanager-" + i + ".out"),
                                dir.resolve("taskmanager-" + i + ".pid"),
                                env));
            }
            cluster.awaitSlots(
                    options.taskManagers(),
                    options.taskManagers() * options.slotsPerTaskManager(),
                    Duration.ofSeconds(120));
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info(
                "Flink cluster up: {} with {} TaskManagers of {} slots",
                cluster.restUrl(),
                options.taskManagers(),
                options.slotsPerTaskManager());
        return cluster;
    }

    /** The class path in a file written by {@code maven-dependency-plugin:build-classpath}. */
    public static List<Path> classpathFile(Path file) throws IOException {
        String text = Files.readString(file).trim();
        return Arrays.stream(text.split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }

    private static String configYaml(Path dir, int restPort, int rpcPort, int blobPort, Options o) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "localhost");
        c.put("jobmanager.memory.process.size", o.jobManagerMemory());
        // Metaspace is what the engine needs most: every submission loads the job jar in a class
        // loader of its own, and Esper generates classes for each rule it compiles (on the
        // JobManager, in main) and deploys (in every detecting subtask). 160 MiB ran out.
        c.put("jobmanager.memory.jvm-metaspace.size", "384m");
        c.put("jobmanager.memory.jvm-overhead.min", "64m");
        c.put("jobmanager.memory.off-heap.size", "64m");
        c.put("taskmanager.bind-host", "localhost");
        c.put("taskmanager.host", "localhost");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(o.slotsPerTaskManager()));
        // Small TaskManagers: the framework's shares shrink so that the tasks keep most of it.
        c.put("taskmanager.memory.process.size", o.taskManagerMemory());
        c.put("taskmanager.memory.jvm-metaspace.size", "384m");
        c.put("taskmanager.memory.jvm-overhead.min", "64m");
        c.put("taskmanager.memory.framework.heap.size", "64m");
        c.put("taskmanager.memory.framework.off-heap.size", "64m");
        c.put("taskmanager.memory.network.min", "32m");
        c.put("taskmanager.memory.managed.size", "32m");
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", Integer.toString(restPort));
        c.put("blob.server.port", Integer.toString(blobPort));
        c.put("web.upload.dir", dir.resolve("web").toString());
        c.put("web.submit.enable", "true");
        c.put("web.cancel.enable", "true");
        c.put("io.tmp.dirs", dir.resolve("tmp").toString());
        c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        c.put(
                "execution.checkpointing.savepoint-dir",
                dir.resolve("savepoints").toUri().toString());
        c.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "10");
        c.put("restart-strategy.fixed-delay.delay", "2 s");
        c.put("heartbeat.timeout", "60000");
        c.putAll(o.config());
        StringBuilder b = new StringBuilder("# Written by LocalFlinkCluster.\n");
        c.forEach((k, v) -> b.append(k).append(": ").append(yamlScalar(v)).append('\n'));
        return b.toString();
    }

    private static String yamlScalar(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    private static final String LOG4J =
            String.join(
                    "\n",
                    "# Written by LocalFlinkCluster: one file per process, as Flink's scripts do.",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.file.ref = MainAppender",
                    "logger.kafka.name = org.apache.kafka",
                    "logger.kafka.level = WARN",
                    "appender.main.name = MainAppender",
                    "appender.main.type = File",
                    "appender.main.append = true",
                    "appender.main.fileName = ${sys:log.file}",
                    "appender.main.layout.type = PatternLayout",
                    "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                    "");

    /** What BashJavaUtils prints: the JVM's memory flags and the derived memory settings. */
    private record Resources(List<String> jvmParams, List<String> dynamicConfigs) {}

    /**
     * Runs Flink's BashJavaUtils as {@code config.sh} does, so the processes get exactly the heap,
     * direct memory and metaspace limits that a distribution would give them.
     */
    private static Resources resources(String command, Path conf, String cp, Path dir)
            throws IOException {
        Path out = dir.resolve("log/bash-java-utils-" + command + ".out");
        List<String> cmd =
                List.of(
                        LocalKafka.javaBinary(),
                        "-Xmx128m",
                        "-cp",
                        cp,
                        BASH_JAVA_UTILS,
                        command,
                        "--configDir",
                        conf.toString());
        Process p =
                new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        try {
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(
                        "Flink's BashJavaUtils " + command + " failed:\n" + LocalKafka.tail(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> results =
                Files.readAllLines(out).stream()
                        .filter(l -> l.startsWith(RESULT_PREFIX))
                        .map(l -> l.substring(RESULT_PREFIX.length()).trim())
                        .toList();
        if (results.isEmpty()) {
            throw new IOException(
                    "Flink's BashJavaUtils "
                            + command
                            + " printed no result:\n"
                            + LocalKafka.tail(out));
        }
        List<String> jvm = words(results.get(0));
        List<String> dynamic = results.size() > 1 ? words(results.get(1)) : List.of();
        return new Resources(jvm, dynamic);
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /**
     * A process's own JVM options from the configuration ({@code env.java.opts.jobmanager} or
     * {@code .taskmanager}), which Flink's {@code config.sh} adds after {@code env.java.opts.all}.
     */
    private static List<String> processOpts(Options o, String key) {
        String opts = o.config().get(key);
        return opts == null ? List.of() : words(opts);
    }

    private static List<String> command(
            String cp,
            Path conf,
            Path logFile,
            Resources r,
            List<String> processOpts,
            String mainClass,
            List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(LocalKafka.javaBinary());
        cmd.addAll(r.jvmParams());
        cmd.add("-XX:+UseParallelGC");
        cmd.addAll(JAVA_OPTS);
        cmd.addAll(processOpts);
        cmd.add("-Dlog.file=" + logFile);
        cmd.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(conf.toString());
        cmd.addAll(args);
        cmd.addAll(r.dynamicConfigs());
        return cmd;
    }

    /** {@code http://localhost:PORT}: the web UI and REST API. */
    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    public int restPort() {
        return restPort;
    }

    /**
     * The cluster's folder: {@code conf/}, {@code log/}, {@code checkpoints/}, {@code savepoints/}.
     */
    public Path dir() {
        return dir;
    }

    public Path savepointDir() {
        return dir.resolve("savepoints");
    }

    public Path checkpointDir() {
        return dir.resolve("checkpoints");
    }

    private void awaitSlots(int tms, int slots, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                last = get("/overview");
                if (number(last, "taskmanagers") >= tms && number(last, "slots-total") >= slots) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            LocalKafka.sleep(500);
        }
        throw new IOException(
                "Flink cluster not ready after "
                        + timeout.toSeconds()
                        + " s ("
                        + last
                        + "); see "
                        + dir.resolve("log"));
    }

    private void requireAlive() throws IOException {
        if (!jobManager.isAlive()) {
            throw new IOException(
                    "Flink JobManager exited; see "
                            + dir.resolve("log/jobmanager.log")
                            + ":\n"
                            + LocalKafka.tail(dir.resolve("log/jobmanager.out"))
                            + "\n"
                            + LocalKafka.tail(dir.resolve("log/jobmanager.log")));
        }
        for (int i = 0; i < taskManagers.size(); i++) {
            if (!taskManagers.get(i).isAlive()) {
                throw new IOException(
                        "Flink TaskManager "
                                + i
                                + " exited; see "
                                + dir.resolve("log/taskmanager-" + i + ".log")
                                + ":\n"
                                + LocalKafka.tail(dir.resolve("log/taskmanager-" + i + ".out"))
                                + "\n"
                                + LocalKafka.tail(dir.resolve("log/taskmanager-" + i + ".log")));
            }
        }
    }

    /**
     * {@code POST /jars/upload}: what {@code flink run} and the web UI's "Submit New Job" send.
     *
     * @return the jar's id on the cluster, for {@link #run}
     */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "----soc" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\n"
                                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\n"
                                + "Content-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                        .timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofByteArray(head),
                                        HttpRequest.BodyPublishers.ofFile(jar),
                                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                        .build();
        String body = send(req);
        String file = string(body, "filename");
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * {@code POST /jars/:id/run}: runs the jar's {@code entryClass} with the program arguments, as
     * {@code flink run -d -p PARALLELISM [-s SAVEPOINT] -c ENTRY jar ARGS}.
     *
     * @param savepoint the savepoint or retained checkpoint to start from; null: none
     * @return the job's id
     */
    public String run(
            String jarId, String entryClass, int parallelism, List<String> args, String savepoint)
            throws IOException {
        StringBuilder json = new StringBuilder("{");
        json.append("\"entryClass\":").append(quote(entryClass));
        json.append(",\"parallelism\":").append(parallelism);
        json.append(",\"programArgsList\":[");
        for (int i = 0; i < args.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(args.get(i)));
        }
        json.append(']');
        if (savepoint != null) {
            json.append(",\"savepointPath\":").append(quote(savepoint));
            json.append(",\"allowNonRestoredState\":false");
        }
        json.append('}');
        String body = post("/jars/" + jarId + "/run", json.toString(), Duration.ofMinutes(3));
        return string(body, "jobid");
    }

    /** {@code GET /jobs/:id}: the job's state, e.g. RUNNING, CANCELED, FAILED. */
    public String jobState(String jobId) throws IOException {
        return string(get("/jobs/" + jobId), "state");
    }

    /** {@code GET /jobs/:id}, as JSON. */
    public String jobDetails(String jobId) throws IOException {
        return get("/jobs/" + jobId);
    }

    /** Waits until the job and every one of its tasks run, so that a savepoint can be taken. */
    public void awaitRunning(String jobId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            requireAlive();
            last = get("/jobs/" + jobId);
            String state = string(last, "state");
            if (state.equals("FAILED") || state.equals("CANCELED")) {
                throw new IOException("job " + jobId + " is " + state + ": " + exceptions(jobId));
            }
            if (state.equals("RUNNING") && allTasksRunning(jobId)) {
                return;
            }
            LocalKafka.sleep(300);
        }
        throw new IOException("job " + jobId + " not running after " + timeout + ": " + last);
    }

    private boolean allTasksRunning(String jobId) throws IOException {
        String details = get("/jobs/" + jobId);
        Matcher m = Pattern.compile("\"tasks\":\\{([^}]*)}").matcher(details);
        boolean any = false;
        while (m.find()) {
            any = true;
            for (String kv : m.group(1).split(",")) {
                String[] p = kv.split(":");
                if (p.length == 2
                        && !p[0].contains("RUNNING")
                        && Integer.parseInt(p[1].trim()) > 0) {
                    return false;
                }
            }
        }
        return any;
    }

    /** {@code GET /jobs/:id/exceptions}: the root cause, if the job failed. */
    public String exceptions(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /** The completed checkpoints of the job so far ({@code GET /jobs/:id/checkpoints}). */
    public long completedCheckpoints(String jobId) throws IOException {
        return number(get("/jobs/" + jobId + "/checkpoints"), "completed");
    }

    /**
     * {@code POST /jobs/:id/savepoints} and its polling: a canonical savepoint under {@code
     * targetDirectory}, the job left running ({@code flink savepoint JOB DIR}).
     *
     * @return the savepoint's path
     */
    public String savepoint(String jobId, Path targetDirectory, Duration timeout)
            throws IOException {
        String body =
                post(
                        "/jobs/" + jobId + "/savepoints",
                        "{\"target-directory\":"
                                + quote(targetDirectory.toUri().toString())
                                + ",\"cancel-job\":false,\"formatType\":\"CANONICAL\"}",
                        Duration.ofSeconds(30));
        String trigger = string(body, "request-id");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.contains("\"COMPLETED\"")) {
                if (status.contains("failure-cause")) {
                    throw new IOException("savepoint of " + jobId + " failed: " + status);
                }
                return string(status, "location");
            }
            LocalKafka.sleep(300);
        }
        throw new IOException("savepoint of " + jobId + " not done after " + timeout);
    }

    /** {@code PATCH /jobs/:id?mode=cancel} ({@code flink cancel JOB}), and waits for CANCELED. */
    public void cancel(String jobId, Duration timeout) throws IOException {
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                        .timeout(Duration.ofSeconds(30))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build();
        send(req);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (jobState(jobId).equals("CANCELED")) {
                return;
            }
            LocalKafka.sleep(300);
        }
        throw new IOException("job " + jobId + " not canceled after " + timeout);
    }

    /** {@code GET path} on the REST API, as text (JSON). */
    public String get(String path) throws IOException {
        return send(
                HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build());
    }

    private String post(String path, String json, Duration timeout) throws IOException {
        return send(
                HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    private String send(HttpRequest req) throws IOException {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException(
                        req.method()
                                + " "
                                + req.uri().getPath()
                                + ": HTTP "
                                + r.statusCode()
                                + " "
                                + r.body());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The first string value of {@code key} in a JSON text; the REST answers are that simple. */
    static String string(String json, String key) throws IOException {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                        .matcher(json);
        if (!m.find()) {
            throw new IOException("no \"" + key + "\" in " + json);
        }
        return m.group(1).replace("\\/", "/").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public synchronized void close() {
        for (ManagedProcess tm : taskManagers) {
            tm.close();
        }
        jobManager.close();
    }
}
