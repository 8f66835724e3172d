package org.socengine.jobs.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.config.SocConfig;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Json;

/**
 * The escalation job's HTTP acknowledgement: {@code POST /incidents/{id}/ack} and {@code POST
 * /incidents/{id}/close} publish an {@link AlertStatusChange} whose alert id is the incident id,
 * which is what stops the escalation (README, "Escalation"). A bearer token from the configuration
 * guards it; the token is compared in constant time and never logged or echoed. TLS when a key
 * store is configured.
 */
public final class IncidentAckEndpoint implements AutoCloseable {

    public static final String TOKEN_KEY = "escalation.ack_token";
    public static final String KEYSTORE_KEY = "escalation.ack_keystore";
    public static final String KEYSTORE_PASSWORD_KEY = "escalation.ack_keystore.password";

    /** Incident ids as {@code Incident} makes them: {@code inc-} and hex of a digest. */
    static final Pattern INCIDENT_ID = Pattern.compile("inc-[0-9a-f]{8,64}");

    static final int MAX_BODY_BYTES = 8 * 1024;
    static final int MAX_TEXT_CHARS = 2000;
    static final int MIN_TOKEN_CHARS = 16;

    private static final Pattern PATH = Pattern.compile("/incidents/([^/]*)/([^/]*)");
    private static final Set<String> FIELDS = Set.of("by", "note", "disposition");
    private static final String DEFAULT_BY = "ack-endpoint";
    private static final Logger LOG = LoggerFactory.getLogger(IncidentAckEndpoint.class);

    /** Where the changes go: {@code AlertStatusPublisher::publish} in production. */
    @FunctionalInterface
    public interface Publisher {
        void publish(AlertStatusChange change) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] tokenDigest;
    private final Publisher publisher;
    private final Clock clock;

    private IncidentAckEndpoint(HttpServer server, String token, Publisher publisher, Clock clock) {
        this.server = server;
        this.tokenDigest = sha256(token);
        this.publisher = publisher;
        this.clock = clock;
        // Publishing waits for the broker, so requests must not queue behind one another on the
        // server's single dispatcher thread.
        this.executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "incident-ack-endpoint");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Starts the endpoint on {@code host:port} (port 0: any free port).
     *
     * @param tls null for plain HTTP
     */
    public static IncidentAckEndpoint start(
            String host, int port, String token, SSLContext tls, Publisher publisher, Clock clock)
            throws IOException {
        if (token == null || token.length() < MIN_TOKEN_CHARS) {
            throw new IllegalArgumentException(
                    "the acknowledgement endpoint needs a token of at least "
                            + MIN_TOKEN_CHARS
                            + " characters in "
                            + TOKEN_KEY
                            + " ("
                            + SocConfig.variableOf(TOKEN_KEY)
                            + ", or "
                            + TOKEN_KEY
                            + ".file)");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        HttpServer server;
        if (tls == null) {
            server = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        IncidentAckEndpoint endpoint = new IncidentAckEndpoint(server, token, publisher, clock);
        server.start();
        LOG.info(
                "incident acknowledgement endpoint on {}://{}:{}",
                tls == null ? "http" : "https",
                host,
                endpoint.port());
        return endpoint;
    }

    /** Starts the endpoint with the token and (if {@value #KEYSTORE_KEY} is set) TLS of cfg. */
    public static IncidentAckEndpoint start(
            SocConfig cfg, String host, int port, Publisher publisher) throws IOException {
        SSLContext tls =
                cfg.has(KEYSTORE_KEY)
                        ? tlsContext(Path.of(cfg.get(KEYSTORE_KEY)), cfg.get(KEYSTORE_PASSWORD_KEY))
                        : null;
        return start(host, port, cfg.get(TOKEN_KEY), tls, publisher, Clock.systemUTC());
    }

    /**
     * A server TLS context from a key store (PKCS12 or JKS); the message never has the password.
     */
    public static SSLContext tlsContext(Path keystore, String password) throws IOException {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        try {
            KeyStore ks = KeyStore.getInstance(keystore.toFile(), pw);
            KeyManagerFactory kmf =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException(
                    "cannot use the key store of "
                            + KEYSTORE_KEY
                            + " ("
                            + keystore
                            + "): "
                            + e.getClass().getSimpleName());
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                LOG.warn(
                        "incident acknowledgement refused: no valid bearer token from {}",
                        exchange.getRemoteAddress().getAddress().getHostAddress());
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                respond(exchange, 401, error("a valid bearer token is required"));
                return;
            }
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            if (!m.matches() || !(m.group(2).equals("ack") || m.group(2).equals("close"))) {
                respond(exchange, 404, error("POST /incidents/{id}/ack or /incidents/{id}/close"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, 405, error("only POST"));
                return;
            }
            String id = m.group(1);
            if (!INCIDENT_ID.matcher(id).matches()) {
                respond(exchange, 400, error("not an incident id (inc-<hex>)"));
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                respond(
                        exchange,
                        413,
                        error("the body is larger than " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            AlertStatusChange change;
            try {
                change = change(id, m.group(2).equals("close"), body);
            } catch (IllegalArgumentException e) {
                respond(exchange, 400, error(e.getMessage()));
                return;
            }
            try {
                publisher.publish(change);
            } catch (IOException | RuntimeException e) {
                LOG.warn("incident {} {}: {}", id, change.status, e.getMessage());
                respond(exchange, 503, error("cannot publish the change, try again"));
                return;
            }
            LOG.info("incident {} {} by {}", id, change.status, change.by);
            respond(exchange, 202, change.toJson());
        } catch (RuntimeException e) {
            // Never the request's headers: they hold the token.
            LOG.warn("incident acknowledgement failed: {}", e.getClass().getSimpleName());
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Digests of equal length, so that neither content nor length shows in the timing.
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()));
    }

    private AlertStatusChange change(String id, boolean close, byte[] body) {
        String by = DEFAULT_BY;
        String note = null;
        String disposition = null;
        if (body.length > 0) {
            JsonNode n;
            try {
                n = Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("the body is not JSON");
            }
            if (n != null && !n.isMissingNode()) {
                if (!n.isObject()) {
                    throw new IllegalArgumentException("the body must be a JSON object");
                }
                for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!FIELDS.contains(f)) {
                        throw new IllegalArgumentException(
                                "unknown field " + f + " (known: by, note, disposition)");
                    }
                }
                by = text(n, "by", by);
                note = text(n, "note", null);
                disposition = AlertStatusChange.normalizeDisposition(text(n, "disposition", null));
            }
        }
        if (!close && disposition != null) {
            throw new IllegalArgumentException("a disposition is given only when closing");
        }
        long at = clock.millis();
        AlertStatusChange c =
                close
                        ? AlertStatusChange.close(id, disposition, by, at, note)
                        : AlertStatusChange.of(
                                id, AlertStatusChange.ACKNOWLEDGED, null, by, at, note);
        if (!c.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", c.problems()));
        }
        return c;
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        String s = v.asText().strip();
        if (s.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException(
                    field + " is longer than " + MAX_TEXT_CHARS + " characters");
        }
        return s.isEmpty() ? fallback : s;
    }

    /** The body, or null if it is larger than the limit. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
        return b.length > MAX_BODY_BYTES ? null : b;
    }

    private static String error(String message) {
        return Json.mapper().createObjectNode().put("error", message).toString();
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, b.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(b);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
