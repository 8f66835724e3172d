package org.socengine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.socengine.model.Json;

/**
 * The control file of a running {@code ./soc run} ({@code run.control_file}): its pid, the REST
 * address of its local Flink cluster (loopback only), the job id and its state folders; and the
 * calls of Flink's REST API that {@code ./soc savepoint} and {@code ./soc stop} make through it.
 * The same calls reach a job on a cluster given its REST address and job id.
 */
record RunControl(long pid, String rest, String jobId, String checkpoints, String savepoints) {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Written atomically, so that a reader never sees half of it. */
    void write(Path file) throws IOException {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("pid", pid);
        n.put("rest", rest);
        n.put("job_id", jobId);
        n.put("checkpoints", checkpoints);
        n.put("savepoints", savepoints);
        n.put("started", Instant.now().toString());
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".soc-run", ".json");
        Files.writeString(tmp, n.toString() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static RunControl read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliFailure(
                    "no ./soc run is running here: "
                            + file
                            + " does not exist (run.control_file of the configuration it was"
                            + " started with; or give --rest and --job-id)");
        }
        try {
            JsonNode n = Json.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            return new RunControl(
                    n.path("pid").asLong(),
                    n.path("rest").asText(),
                    n.path("job_id").asText(),
                    n.path("checkpoints").asText(),
                    n.path("savepoints").asText());
        } catch (IOException e) {
            throw new CliFailure("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Whether the process that wrote the file is still there (another host's pid is not seen). */
    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Triggers a savepoint and waits for it; returns where it was written. */
    String savepoint(String target, boolean cancel, Duration timeout) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("target-directory", target);
        body.put("cancel-job", cancel);
        String trigger = post("/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
        return await(trigger, timeout);
    }

    /** Stops the job with a final savepoint (its sources stop first); returns where it is. */
    String stopWithSavepoint(String target, Duration timeout) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("targetDirectory", target);
        body.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        return await(trigger, timeout);
    }

    /** Cancels the job; its checkpoints are kept (retained on cancellation). */
    void cancel() {
        send(
                HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    /** The job's state as Flink reports it: RUNNING, CANCELED, FINISHED, ... */
    String status() {
        return send(HttpRequest.newBuilder(uri("/jobs/" + jobId)).GET().build())
                .path("state")
                .asText();
    }

    private String await(String trigger, Duration timeout) {
        if (trigger.isEmpty()) {
            throw new CliFailure("Flink did not accept the savepoint request");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r =
                    send(
                            HttpRequest.newBuilder(uri("/jobs/" + jobId + "/savepoints/" + trigger))
                                    .GET()
                                    .build());
            if ("COMPLETED".equals(r.path("status").path("id").asText())) {
                JsonNode op = r.path("operation");
                if (op.hasNonNull("location")) {
                    return op.path("location").asText();
                }
                throw new CliFailure(
                        "the savepoint failed: "
                                + op.path("failure-cause").path("class").asText("unknown")
                                + " "
                                + firstLine(
                                        op.path("failure-cause").path("stack-trace").asText("")));
            }
            pause();
        }
        throw new CliFailure(
                "no savepoint after " + timeout.toSeconds() + " s; it may still finish");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @SuppressWarnings("java:S2925")
    private static void pause() {
        try {
            // Polling Flink's asynchronous operation: there is no event to wait on over REST.
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }

    private JsonNode post(String path, JsonNode body) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build());
    }

    private URI uri(String path) {
        return URI.create(rest.replaceAll("/+$", "") + path);
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> r;
        try {
            r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(
                    "cannot reach the job's REST endpoint "
                            + rest
                            + " ("
                            + e.getClass().getSimpleName()
                            + "): is ./soc run still running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
        if (r.statusCode() >= 300) {
            throw new CliFailure(
                    "Flink answered "
                            + r.statusCode()
                            + " to "
                            + request.method()
                            + " "
                            + request.uri().getPath()
                            + ": "
                            + firstLine(r.body()));
        }
        try {
            return r.body().isBlank()
                    ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(r.body());
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
