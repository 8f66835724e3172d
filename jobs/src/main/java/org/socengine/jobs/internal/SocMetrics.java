package org.socengine.jobs.internal;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The engine's Micrometer registry, one per JVM (the launcher in local mode, each task manager on a
 * cluster), with an optional Prometheus scrape endpoint at {@code /metrics}.
 */
public final class SocMetrics {

    private static final PrometheusMeterRegistry REGISTRY =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private SocMetrics() {}

    public static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }

    /** Serves {@code GET /metrics} on the loopback or given address; port 0 picks a free one. */
    public static HttpServer serve(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = REGISTRY.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.setExecutor(null);
        server.start();
        return server;
    }
}
