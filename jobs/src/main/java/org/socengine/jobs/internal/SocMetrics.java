package org.socengine.jobs.internal;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The engine's Micrometer registry, one per class loader of the engine's classes (the launcher's in
 * local mode; on a cluster each job's in each TaskManager, and the metric reporter's plugin), with
 * an optional Prometheus scrape endpoint at {@code /metrics}. On a cluster the reporter serves the
 * jobs' registries through {@link ExportedRegistry}. Meter names and their labels are listed in
 * {@code docs/metrics.md}; dashboards depend on them.
 */
public final class SocMetrics {

    private static final PrometheusMeterRegistry REGISTRY =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    static {
        // Code that cannot see this class (the connectors' Elasticsearch writer) registers in
        // Micrometer's global registry; joined to it, its meters are scraped here too.
        Metrics.addRegistry(REGISTRY);
    }

    /** The endpoint {@link #serveOnce} started in this JVM, if any. */
    private static HttpServer served;

    private SocMetrics() {}

    /**
     * Serves {@code /metrics} unless this JVM already does: on a cluster every task manager's
     * reporter asks, and one endpoint per process is what Prometheus scrapes.
     */
    public static synchronized HttpServer serveOnce(String host, int port) throws IOException {
        if (served == null) {
            served = serve(host, port);
        }
        return served;
    }

    public static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }

    /** The address the scrape endpoint listens on unless configured otherwise. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    /**
     * Serves {@code GET /metrics} on the given address (the loopback, {@link #DEFAULT_BIND}, unless
     * the operator chose another); port 0 picks a free one. Read-only: every other method is
     * answered 405, every other path 404, so the endpoint needs no authentication.
     */
    public static HttpServer serve(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    String method = exchange.getRequestMethod();
                    if (!method.equals("GET") && !method.equals("HEAD")) {
                        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                        exchange.sendResponseHeaders(405, -1);
                        exchange.close();
                        return;
                    }
                    if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                        exchange.sendResponseHeaders(404, -1);
                        exchange.close();
                        return;
                    }
                    if (method.equals("HEAD")) {
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                        return;
                    }
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
