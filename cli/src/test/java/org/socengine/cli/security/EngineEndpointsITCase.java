package org.socengine.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.cli.SocCommand;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.SocMetrics;
import picocli.CommandLine;

/**
 * What the engine listens on when {@code ./soc run} runs it: the Prometheus endpoint with the
 * command's default bind address, and the embedded Flink cluster (REST API, BLOB server, RPC, data
 * exchange) with a job running in it. Every listening socket of the process, as the kernel lists
 * them, must be on the loopback; the one endpoint meant for others (metrics) is read-only.
 */
class EngineEndpointsITCase {

    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Test
    void everythingTheEngineListensOnIsLoopbackByDefault(@TempDir Path checkpoints)
            throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs Linux /proc to list sockets");
        CommandLine run = new CommandLine(new SocCommand()).getSubcommands().get("run");
        // No option default since metrics.bind became a configuration key: the run falls back to
        // SocMetrics.DEFAULT_BIND when neither the option nor the file sets it.
        assertThat(run.getCommandSpec().findOption("--metrics-bind").defaultValue()).isNull();
        String bind = org.socengine.jobs.internal.SocMetrics.DEFAULT_BIND;
        assertThat(bind).isEqualTo("127.0.0.1");

        HttpServer metrics = SocMetrics.serve(bind, 0);
        JobClient job = null;
        try {
            StreamExecutionEnvironment env =
                    FlinkEnvironments.local(2, checkpoints, Duration.ofSeconds(60));
            env.fromSequence(0, 1)
                    .map(
                            x -> {
                                // Hold the job (and its cluster) up while the sockets are listed.
                                RELEASE.await(60, TimeUnit.SECONDS);
                                return x;
                            })
                    .rebalance()
                    .sinkTo(new DiscardingSink<>());
            job = env.executeAsync("endpoints-it");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (job.getJobStatus().get() != JobStatus.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            List<InetSocketAddress> listening = ListeningSockets.ofThisProcess();
            System.out.println("the engine listens on " + listening);
            assertThat(listening)
                    .as("the metrics endpoint and the embedded cluster's endpoints")
                    .hasSizeGreaterThanOrEqualTo(3)
                    .anySatisfy(
                            a -> assertThat(a.getPort()).isEqualTo(metrics.getAddress().getPort()));
            assertThat(listening)
                    .allSatisfy(
                            a ->
                                    assertThat(a.getAddress().isLoopbackAddress())
                                            .as(a + " is on the loopback")
                                            .isTrue());
        } finally {
            RELEASE.countDown();
            if (job != null) {
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            }
            metrics.stop(0);
        }
    }

    @Test
    void theMetricsEndpointOnlyReads() throws Exception {
        HttpServer metrics = SocMetrics.serve(SocMetrics.DEFAULT_BIND, 0);
        try {
            String base = "http://127.0.0.1:" + metrics.getAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                        .method(method, HttpRequest.BodyPublishers.ofString("x"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(method).isEqualTo(405);
            }
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(URI.create(base + "/")).build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(404);
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(base + "/metrics/admin"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(404);
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(200);
        } finally {
            metrics.stop(0);
        }
    }
}
