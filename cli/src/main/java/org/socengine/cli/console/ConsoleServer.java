package org.socengine.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.elasticsearch.AlertStatusRefused;
import org.socengine.connectors.elasticsearch.AlertStatusWriter;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Json;

/**
 * The analysts' web console: an embedded HTTP server (the JDK's) serving server-rendered pages and
 * a small JSON API over the same {@link ConsoleData}, behind a login. Every request but the login
 * page and the style sheet needs a live session; every POST needs the session's CSRF token (a form
 * field, or the {@code X-CSRF-Token} header for the API) and, when the browser names one, an Origin
 * of this console.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final Pattern ALERT = Pattern.compile("^/alerts/([^/]+)$");
    private static final Pattern ALERT_STATUS = Pattern.compile("^/alerts/([^/]+)/status$");
    private static final Pattern INCIDENT = Pattern.compile("^/incidents/([^/]+)$");
    private static final Pattern INCIDENT_STATUS = Pattern.compile("^/incidents/([^/]+)/status$");
    private static final Pattern API_ALERT = Pattern.compile("^/api/alerts/([^/]+)$");
    private static final Pattern API_ALERT_STATUS = Pattern.compile("^/api/alerts/([^/]+)/status$");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConsoleUsers users;
    private final ConsoleData data;
    private final RuleLibrary rules;
    private final SourceHealth sources;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final byte[] css;

    public ConsoleServer(
            InetSocketAddress bind,
            ConsoleUsers users,
            ConsoleData data,
            RuleLibrary rules,
            SourceHealth sources,
            Sessions sessions,
            LoginThrottle throttle,
            Clock clock)
            throws IOException {
        this.users = users;
        this.data = data;
        this.rules = rules;
        this.sources = sources;
        this.sessions = sessions;
        this.throttle = throttle;
        this.clock = clock;
        try (InputStream in = ConsoleServer.class.getResourceAsStream("console.css")) {
            this.css = in == null ? new byte[0] : in.readAllBytes();
        }
        this.server = HttpServer.create(bind, 64);
        this.executor =
                Executors.newFixedThreadPool(
                        8,
                        r -> {
                            Thread t = new Thread(r, "soc-console");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public ConsoleServer start() {
        server.start();
        return this;
    }

    public URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- request handling ----

    private record Request(
            HttpExchange ex, String method, String path, Map<String, String> params) {}

    private void handle(HttpExchange ex) {
        try (ex) {
            headers(ex);
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            Map<String, String> params = parse(ex.getRequestURI().getRawQuery());
            if ("POST".equals(method)) {
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
                if (body.length > MAX_BODY) {
                    send(ex, 413, "text/plain", "too large");
                    return;
                }
                if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
                    params.putAll(parse(new String(body, StandardCharsets.UTF_8)));
                } else if (type != null && type.startsWith("application/json") && body.length > 0) {
                    JsonNode n = Json.mapper().readTree(body);
                    if (n != null && n.isObject()) {
                        n.fields()
                                .forEachRemaining(
                                        e -> params.put(e.getKey(), e.getValue().asText()));
                    }
                }
            } else if (!"GET".equals(method)) {
                send(ex, 405, "text/plain", "method not allowed");
                return;
            }
            route(new Request(ex, method, path, params));
        } catch (Exception e) {
            // The message may quote a request or a document: only its kind goes to the log.
            LOG.warn("console request failed: {}", e.getClass().getSimpleName(), e);
            try {
                send(ex, 500, "text/plain; charset=utf-8", "internal error");
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }

    private void route(Request r) throws IOException {
        String p = r.path();
        if (p.equals("/static/console.css")) {
            send(r.ex(), 200, "text/css; charset=utf-8", css);
            return;
        }
        if (p.equals("/login")) {
            if (r.method().equals("GET")) {
                html(r.ex(), 200, loginPage(r.params().get("lang"), null));
            } else if (!passwordLogin) {
                String lang = r.params().get("lang");
                html(r.ex(), 403, loginPage(lang, Messages.get(lang, "login.password.off")));
            } else {
                login(r);
            }
            return;
        }
        if (oidc != null && r.method().equals("GET") && p.equals("/oidc/login")) {
            oidcBegin(r);
            return;
        }
        if (oidc != null && r.method().equals("GET") && p.equals("/oidc/callback")) {
            oidcCallback(r);
            return;
        }
        Optional<Sessions.Session> session = sessions.find(cookie(r.ex()));
        boolean api = p.startsWith("/api/");
        if (session.isEmpty()) {
            if (api) {
                json(r.ex(), 401, error("login required"));
            } else {
                redirect(r.ex(), "/login");
            }
            return;
        }
        Sessions.Session s = session.get();
        if (r.method().equals("POST")) {
            String token = r.params().get("csrf");
            if (token == null) {
                token = r.ex().getRequestHeaders().getFirst("X-CSRF-Token");
            }
            if (!Sessions.csrfMatches(s, token) || !sameOrigin(r.ex())) {
                if (api) {
                    json(r.ex(), 403, error("missing or wrong CSRF token"));
                } else {
                    html(
                            r.ex(),
                            403,
                            new Pages(s)
                                    .layout(
                                            "403",
                                            "",
                                            Messages.get(s.user().language(), "csrf"),
                                            ""));
                }
                return;
            }
        }
        if (api) {
            api(r, s);
        } else {
            page(r, s);
        }
    }

    private void login(Request r) throws IOException {
        String name = r.params().getOrDefault("user", "");
        String password = r.params().getOrDefault("password", "");
        String lang = r.params().get("lang");
        if (throttle.locked(name)) {
            html(r.ex(), 429, loginPage(lang, Messages.get(lang, "login.locked")));
            return;
        }
        Optional<ConsoleUser> user = users.find(name);
        // An unknown name costs a hash as well, so timing does not tell names apart.
        boolean ok =
                PasswordHashes.verify(
                        password.toCharArray(), user.map(ConsoleUser::hash).orElse(DUMMY_HASH));
        if (!ok || user.isEmpty()) {
            boolean locked = throttle.failed(name);
            LOG.info("console: failed login{}", locked ? ", the name is now locked" : "");
            html(
                    r.ex(),
                    locked ? 429 : 401,
                    loginPage(lang, Messages.get(lang, locked ? "login.locked" : "login.failed")));
            return;
        }
        throttle.succeeded(name);
        setSessionCookie(r.ex(), sessions.open(user.get()));
        redirect(r.ex(), "/alerts");
    }

    private void setSessionCookie(HttpExchange ex, Sessions.Session s) {
        ex.getResponseHeaders()
                .add(
                        "Set-Cookie",
                        Sessions.COOKIE
                                + "="
                                + s.id()
                                + "; Path=/; HttpOnly; SameSite=Strict"
                                + (secureCookie ? "; Secure" : ""));
    }

    private String loginPage(String lang, String message) {
        return Pages.loginPage(
                lang, message, oidc == null ? null : oidc.settings().displayName(), passwordLogin);
    }

    private void oidcBegin(Request r) throws IOException {
        String lang = OidcLogin.language(r.params(), Messages.VI);
        OidcLogin.Start start;
        try {
            start = oidc.begin(lang);
        } catch (OidcRefused e) {
            LOG.warn("console: OIDC sign-in cannot start: {}", e.getMessage());
            html(r.ex(), 503, loginPage(lang, Messages.get(lang, "oidc.provider")));
            return;
        }
        // Lax, not Strict: the provider's redirect back is a cross-site navigation, and the
        // cookie must come along with it. It holds no session, only this login's browser key.
        r.ex().getResponseHeaders()
                .add(
                        "Set-Cookie",
                        OidcLogin.COOKIE
                                + "="
                                + start.browserKey()
                                + "; Path=/oidc/; HttpOnly; SameSite=Lax; Max-Age="
                                + OidcLogin.PENDING_FOR.toSeconds()
                                + (secureCookie ? "; Secure" : ""));
        redirect(r.ex(), start.authorize().toString());
    }

    private void oidcCallback(Request r) throws IOException {
        r.ex().getResponseHeaders()
                .add(
                        "Set-Cookie",
                        OidcLogin.COOKIE + "=; Path=/oidc/; HttpOnly; SameSite=Lax; Max-Age=0");
        ConsoleUser u;
        try {
            u = oidc.complete(r.params(), cookie(r.ex(), OidcLogin.COOKIE));
        } catch (OidcRefused e) {
            LOG.info("console: OIDC sign-in refused: {}", e.getMessage());
            String lang = e.language(Messages.VI);
            String key =
                    switch (e.kind()) {
                        case NO_ROLE -> "oidc.no.role";
                        case NO_DEPARTMENT -> "oidc.no.department";
                        case PROVIDER -> "oidc.provider";
                        case NOT_VERIFIED -> "oidc.refused";
                    };
            html(r.ex(), 403, loginPage(lang, Messages.get(lang, key)));
            return;
        }
        LOG.info(
                "console: {} signed in through OIDC as {}{}",
                u.name(),
                u.role().label(),
                u.scope() == null ? "" : " of " + u.scope());
        Sessions.Session s = sessions.open(u);
        setSessionCookie(r.ex(), s);
        // A page, not a redirect: the navigation that reached this callback started at the
        // provider (cross-site), and a browser withholds a SameSite=Strict cookie for the whole
        // redirect chain of such a navigation. The page's own refresh is same-site.
        html(r.ex(), 200, Pages.continuePage(u.language(), "/alerts"));
    }

    private static final String DUMMY_HASH =
            PasswordHashes.hash("not a password".toCharArray(), 600_000);

    private volatile boolean secureCookie;
    private volatile boolean passwordLogin = true;
    private volatile OidcLogin oidc;

    /**
     * Offers sign-in through the OIDC provider; its callback is {@code /oidc/callback} of this
     * console unless the settings name another address.
     */
    public ConsoleServer oidc(OidcSettings settings) {
        this.oidc =
                settings == null
                        ? null
                        : new OidcLogin(settings, url().resolve("/oidc/callback"), clock);
        return this;
    }

    /** Whether the users file's passwords log in (false: only the OIDC provider does). */
    public ConsoleServer passwordLogin(boolean on) {
        this.passwordLogin = on;
        return this;
    }

    /** Marks the session cookie Secure, for a console served behind a TLS proxy. */
    public ConsoleServer secureCookie(boolean secure) {
        this.secureCookie = secure;
        return this;
    }

    private void page(Request r, Sessions.Session s) throws IOException {
        ConsoleUser u = s.user();
        Pages pages = new Pages(s);
        String p = r.path();
        String flash = s.takeFlash();
        Instant now = clock.instant();
        Matcher m;
        if (r.method().equals("POST")) {
            if (p.equals("/logout")) {
                sessions.close(s.id());
                r.ex().getResponseHeaders()
                        .add(
                                "Set-Cookie",
                                Sessions.COOKIE
                                        + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
                redirect(r.ex(), "/login");
            } else if (p.equals("/language")) {
                String lang = r.params().get("lang");
                if (lang != null && Messages.LANGUAGES.contains(lang)) {
                    s.user = u.withLanguage(lang);
                }
                redirect(r.ex(), "/alerts");
            } else if ((m = ALERT_STATUS.matcher(p)).matches()) {
                String id = decode(m.group(1));
                s.flash(changeAlert(u, id, r.params()).message());
                redirect(r.ex(), "/alerts/" + Html.url(id));
            } else if ((m = INCIDENT_STATUS.matcher(p)).matches()) {
                String id = decode(m.group(1));
                s.flash(changeIncident(u, id, r.params()).message());
                redirect(r.ex(), "/incidents/" + Html.url(id));
            } else {
                html(
                        r.ex(),
                        404,
                        pages.layout("404", "", Messages.get(u.language(), "not.found"), ""));
            }
            return;
        }
        if (p.equals("/") || p.equals("/alerts")) {
            AlertQueueFilter f = AlertQueueFilter.from(r.params(), u.zone());
            ConsoleData.Page page = data.queue(u, f, now);
            html(
                    r.ex(),
                    200,
                    pages.layout(
                            Messages.get(u.language(), "nav.alerts"),
                            "alerts",
                            flash,
                            pages.queue(f, data.choices(u), page)));
        } else if ((m = ALERT.matcher(p)).matches()) {
            Optional<ObjectNode> a = data.alert(u, decode(m.group(1)));
            if (a.isEmpty()) {
                html(
                        r.ex(),
                        404,
                        pages.layout(
                                "404",
                                "alerts",
                                flash,
                                "<p id=\"not-found\">" + pages.t("not.found") + "</p>"));
                return;
            }
            ObjectNode doc = a.get();
            html(
                    r.ex(),
                    200,
                    pages.layout(
                            Messages.get(u.language(), "alert")
                                    + ": "
                                    + doc.path("rule").path("name").asText(),
                            "alerts",
                            flash,
                            pages.alert(
                                    doc,
                                    rules.rule(doc.path("rule").path("id").asText()).orElse(null),
                                    data.related(u, doc),
                                    data.incidentsOf(u, ConsoleData.entityValues(doc)))));
        } else if (p.equals("/incidents")) {
            String status =
                    AlertQueueFilter.oneOf(r.params().get("status"), AlertStatusChange.STATUSES);
            html(
                    r.ex(),
                    200,
                    pages.layout(
                            Messages.get(u.language(), "incidents"),
                            "incidents",
                            flash,
                            pages.incidents(data.incidents(u, status))));
        } else if ((m = INCIDENT.matcher(p)).matches()) {
            Optional<ObjectNode> i = data.incident(u, decode(m.group(1)));
            if (i.isEmpty()) {
                html(
                        r.ex(),
                        404,
                        pages.layout(
                                "404",
                                "incidents",
                                flash,
                                "<p id=\"not-found\">" + pages.t("not.found") + "</p>"));
                return;
            }
            html(
                    r.ex(),
                    200,
                    pages.layout(
                            Messages.get(u.language(), "incidents")
                                    + " "
                                    + i.get().path("incident").path("id").asText(),
                            "incidents",
                            flash,
                            pages.incident(i.get())));
        } else if (p.equals("/overview")) {
            String range = AlertQueueFilter.oneOf(r.params().get("range"), AlertQueueFilter.RANGES);
            range = range == null ? "24h" : range;
            AlertQueueFilter f = AlertQueueFilter.from(Map.of("range", range), u.zone());
            List<SourceHealth.Source> list = List.of();
            String sourcesError = null;
            try {
                list = sources.read().stream().filter(x -> u.mayAccess(x.department())).toList();
            } catch (IOException e) {
                sourcesError = "metrics endpoint: " + e.getClass().getSimpleName();
            }
            html(
                    r.ex(),
                    200,
                    pages.layout(
                            Messages.get(u.language(), "nav.overview"),
                            "overview",
                            flash,
                            pages.overview(
                                    range,
                                    data.overview(u, f, now),
                                    rules.coveredTechniques(),
                                    list,
                                    sources.configured(),
                                    sourcesError,
                                    now.toEpochMilli())));
        } else if (p.equals("/rules")) {
            html(
                    r.ex(),
                    200,
                    pages.layout(
                            Messages.get(u.language(), "nav.rules"),
                            "rules",
                            flash,
                            pages.rules(rules.all(), data.ruleHealth(u))));
        } else {
            html(
                    r.ex(),
                    404,
                    pages.layout(
                            "404",
                            "",
                            flash,
                            "<p id=\"not-found\">" + pages.t("not.found") + "</p>"));
        }
    }

    private void api(Request r, Sessions.Session s) throws IOException {
        ConsoleUser u = s.user();
        String p = r.path();
        Matcher m;
        if (r.method().equals("GET") && p.equals("/api/alerts")) {
            AlertQueueFilter f = AlertQueueFilter.from(r.params(), u.zone());
            ConsoleData.Page page = data.queue(u, f, clock.instant());
            ObjectNode out = Json.mapper().createObjectNode();
            out.put("total", page.total());
            // "gte": the total stopped counting at the cap (ConsoleData.TOTAL_CAP).
            out.put("total_relation", page.atLeast() ? "gte" : "eq");
            ArrayNode arr = out.putArray("alerts");
            page.alerts().forEach(arr::add);
            out.put("next", page.next() == null ? null : page.next().encode());
            json(r.ex(), 200, out);
        } else if (r.method().equals("GET") && p.equals("/api/session")) {
            ObjectNode out = Json.mapper().createObjectNode();
            out.put("user", u.name());
            out.put("role", u.role().label());
            out.put("department", u.scope());
            out.put("csrf", s.csrf());
            json(r.ex(), 200, out);
        } else if (r.method().equals("GET") && (m = API_ALERT.matcher(p)).matches()) {
            Optional<ObjectNode> a = data.alert(u, decode(m.group(1)));
            if (a.isEmpty()) {
                json(r.ex(), 404, error("not found"));
            } else {
                json(r.ex(), 200, a.get());
            }
        } else if (r.method().equals("POST") && (m = API_ALERT_STATUS.matcher(p)).matches()) {
            Outcome o = changeAlert(u, decode(m.group(1)), r.params());
            ObjectNode out = Json.mapper().createObjectNode();
            out.put(o.status() == 200 ? "result" : "error", o.message());
            json(r.ex(), o.status(), out);
        } else {
            json(r.ex(), 404, error("no such endpoint"));
        }
    }

    private record Outcome(int status, String message) {}

    private Outcome changeAlert(ConsoleUser u, String id, Map<String, String> params) {
        AlertStatusChange change = change(u, id, params);
        if (change == null) {
            return new Outcome(400, "action must be ack or close, and close needs a disposition");
        }
        try {
            AlertStatusWriter.Applied applied = data.changeAlert(u, change);
            return new Outcome(
                    200,
                    "alert "
                            + id
                            + (applied.changed() ? " " : " is already ")
                            + change.status
                            + (change.disposition == null ? "" : " as " + change.disposition)
                            + (data.publishes() ? "; published on soc.alert-status" : ""));
        } catch (ConsoleData.NotFound e) {
            return new Outcome(404, Messages.get(u.language(), "not.found"));
        } catch (AlertStatusRefused e) {
            return new Outcome(409, e.getMessage());
        } catch (IOException e) {
            return new Outcome(503, "not saved: " + e.getMessage());
        }
    }

    private Outcome changeIncident(ConsoleUser u, String id, Map<String, String> params) {
        AlertStatusChange change = change(u, id, params);
        if (change == null) {
            return new Outcome(400, "action must be ack or close, and close needs a disposition");
        }
        try {
            data.changeIncident(u, change);
            return new Outcome(
                    200,
                    "incident " + id + " " + change.status + "; published on soc.alert-status");
        } catch (ConsoleData.NotFound e) {
            return new Outcome(404, Messages.get(u.language(), "not.found"));
        } catch (AlertStatusRefused e) {
            return new Outcome(409, e.getMessage());
        } catch (IOException e) {
            return new Outcome(503, "not published: " + e.getMessage());
        }
    }

    /** The change a form or API call asks for, made by the logged-in user; null when malformed. */
    static AlertStatusChange change(ConsoleUser u, String id, Map<String, String> params) {
        String action = params.get("action");
        String note = params.get("note");
        if (note != null) {
            note = note.strip();
            if (note.isEmpty()) {
                note = null;
            } else if (note.length() > 2000) {
                note = note.substring(0, 2000);
            }
        }
        long now = System.currentTimeMillis();
        AlertStatusChange c;
        if ("ack".equals(action)) {
            c = AlertStatusChange.of(id, AlertStatusChange.ACKNOWLEDGED, null, u.name(), now, note);
        } else if ("close".equals(action)) {
            String d = params.get("disposition");
            if (d == null) {
                return null;
            }
            try {
                c =
                        AlertStatusChange.close(
                                id, AlertStatusChange.normalizeDisposition(d), u.name(), now, note);
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else {
            return null;
        }
        return c.problems().isEmpty() ? c : null;
    }

    // ---- plumbing ----

    private static void headers(HttpExchange ex) {
        var h = ex.getResponseHeaders();
        h.set(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
                        + " frame-ancestors 'none'; base-uri 'none'");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the
        // console's own form posts, which the origin check must refuse.
        h.set("Referrer-Policy", "same-origin");
        h.set("Cache-Control", "no-store");
    }

    /** A POST whose browser names an Origin must come from this console. */
    private static boolean sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        return host != null
                && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static String cookie(HttpExchange ex) {
        return cookie(ex, Sessions.COOKIE);
    }

    private static String cookie(HttpExchange ex, String name) {
        List<String> all = ex.getRequestHeaders().get("Cookie");
        if (all == null) {
            return null;
        }
        for (String header : all) {
            for (String part : header.split(";")) {
                String c = part.strip();
                if (c.startsWith(name + "=")) {
                    return c.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    static Map<String, String> parse(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int i = pair.indexOf('=');
            String k = decode(i < 0 ? pair : pair.substring(0, i));
            String v = i < 0 ? "" : decode(pair.substring(i + 1));
            if (k != null && v != null) {
                out.putIfAbsent(k, v);
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("error", message);
        return n;
    }

    private static void redirect(HttpExchange ex, String to) throws IOException {
        ex.getResponseHeaders().set("Location", to);
        ex.sendResponseHeaders(303, -1);
    }

    private static void html(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/html; charset=utf-8", body);
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", body.toString());
    }

    private static void send(HttpExchange ex, int status, String type, String body)
            throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
