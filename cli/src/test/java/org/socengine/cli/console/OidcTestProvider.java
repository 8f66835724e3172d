package org.socengine.cli.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.socengine.model.Json;

/**
 * An OpenID Connect provider on the loopback for tests, real in every part the console talks to:
 * discovery, an authorization endpoint with a login form, a token endpoint that checks the client's
 * secret, the redirect URI and the PKCE verifier and hands out each code once, and a JWKS whose
 * signing keys rotate by key id (RS256 or ES256). It can be told to misbehave with its next ID
 * token ({@link Tamper}) so that a test sees the console refuse it.
 */
public final class OidcTestProvider implements AutoCloseable {

    public static final String PASSWORD = "provider password";

    /** What the next ID token gets wrong. */
    public enum Tamper {
        NONE,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        EXPIRED,
        ISSUED_IN_THE_FUTURE,
        BAD_SIGNATURE,
        UNKNOWN_KID,
        ALG_NONE,
        HS256_WITH_PUBLIC_KEY,
        WRONG_NONCE
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final Map<String, Map<String, Object>> users = new LinkedHashMap<>();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final List<JWK> published = new ArrayList<>();
    private volatile JWK signing;
    private volatile Tamper tamper = Tamper.NONE;
    private volatile int redeemed;
    private volatile int jwksFetches;

    private record Grant(
            String user,
            String redirectUri,
            String nonce,
            String challenge,
            Instant issued,
            boolean[] used) {}

    public OidcTestProvider(String clientId, String clientSecret, Clock clock) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        rotate(JWSAlgorithm.RS256);
        server.start();
    }

    /** A user the login form offers, with the claims its ID token carries besides the standard. */
    public OidcTestProvider user(String name, Map<String, Object> claims) {
        users.put(name, new HashMap<>(claims));
        return this;
    }

    public URI issuer() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realm");
    }

    /**
     * A new signing key with a new key id, published beside the old ones (a provider announces a
     * key before it signs with it, and keeps the old one while its tokens live).
     */
    public synchronized String rotate(JWSAlgorithm alg) {
        String kid = "k-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        try {
            JWK key =
                    JWSAlgorithm.ES256.equals(alg)
                            ? new ECKeyGenerator(Curve.P_256)
                                    .keyID(kid)
                                    .keyUse(KeyUse.SIGNATURE)
                                    .algorithm(alg)
                                    .generate()
                            : new RSAKeyGenerator(2048)
                                    .keyID(kid)
                                    .keyUse(KeyUse.SIGNATURE)
                                    .algorithm(alg)
                                    .generate();
            published.add(key);
            signing = key;
            return kid;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops every published key but the signing one. */
    public synchronized void retireOldKeys() {
        published.removeIf(k -> !k.getKeyID().equals(signing.getKeyID()));
    }

    /** The next ID token gets this wrong (once). */
    public void tamperNext(Tamper t) {
        this.tamper = t;
    }

    /** How many codes were redeemed at the token endpoint. */
    public int redeemed() {
        return redeemed;
    }

    public int jwksFetches() {
        return jwksFetches;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- endpoints ----

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/realm/.well-known/openid-configuration" -> discovery(ex);
                case "/realm/authorize" -> authorize(ex);
                case "/realm/token" -> token(ex);
                case "/realm/jwks" -> jwks(ex);
                default -> send(ex, 404, "text/plain", "not found");
            }
        } catch (Exception e) {
            try {
                send(ex, 500, "text/plain", "provider error: " + e.getClass().getSimpleName());
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private void discovery(HttpExchange ex) throws IOException {
        String i = issuer().toString();
        ObjectNode d = Json.mapper().createObjectNode();
        d.put("issuer", i);
        d.put("authorization_endpoint", i + "/authorize");
        d.put("token_endpoint", i + "/token");
        d.put("jwks_uri", i + "/jwks");
        d.putArray("response_types_supported").add("code");
        d.putArray("subject_types_supported").add("public");
        d.putArray("id_token_signing_alg_values_supported").add("RS256").add("ES256");
        d.putArray("code_challenge_methods_supported").add("S256");
        d.putArray("token_endpoint_auth_methods_supported")
                .add("client_secret_basic")
                .add("client_secret_post");
        send(ex, 200, "application/json", d.toString());
    }

    private synchronized void jwks(HttpExchange ex) throws IOException {
        jwksFetches++;
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode keys = out.putArray("keys");
        for (JWK k : published) {
            keys.add(Json.mapper().readTree(k.toPublicJWK().toJSONString()));
        }
        send(ex, 200, "application/json", out.toString());
    }

    /** GET shows the login form; POST with a user and the password answers with a code. */
    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = parse(ex.getRequestURI().getRawQuery());
        if ("POST".equals(ex.getRequestMethod())) {
            q.putAll(parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        }
        if (!clientId.equals(q.get("client_id"))
                || !"code".equals(q.get("response_type"))
                || q.get("redirect_uri") == null
                || !"S256".equals(q.get("code_challenge_method"))
                || q.get("code_challenge") == null) {
            send(ex, 400, "text/plain", "bad authorization request");
            return;
        }
        if ("GET".equals(ex.getRequestMethod())) {
            StringBuilder b =
                    new StringBuilder("<!DOCTYPE html><html><body><h1>Test provider</h1>");
            b.append("<form method=\"post\" action=\"/realm/authorize\">");
            for (var e : q.entrySet()) {
                b.append("<input type=\"hidden\" name=\"")
                        .append(Html.text(e.getKey()))
                        .append("\" value=\"")
                        .append(Html.text(e.getValue()))
                        .append("\">");
            }
            b.append("<select name=\"username\" id=\"provider-user\">");
            for (String u : users.keySet()) {
                b.append("<option>").append(Html.text(u)).append("</option>");
            }
            b.append(
                            "</select><input type=\"password\" name=\"password\" id=\"provider-password\">")
                    .append("<button type=\"submit\" id=\"provider-login\">Sign in</button>")
                    .append("</form></body></html>");
            send(ex, 200, "text/html; charset=utf-8", b.toString());
            return;
        }
        String user = q.get("username");
        if (user == null || !users.containsKey(user) || !PASSWORD.equals(q.get("password"))) {
            send(ex, 401, "text/plain", "wrong user or password");
            return;
        }
        String code = token();
        codes.put(
                code,
                new Grant(
                        user,
                        q.get("redirect_uri"),
                        q.get("nonce"),
                        q.get("code_challenge"),
                        clock.instant(),
                        new boolean[1]));
        String redirect =
                q.get("redirect_uri")
                        + "?code="
                        + enc(code)
                        + (q.get("state") == null ? "" : "&state=" + enc(q.get("state")));
        ex.getResponseHeaders().set("Location", redirect);
        ex.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange ex) throws IOException, JOSEException {
        Map<String, String> f =
                parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String id = f.get("client_id");
        String secret = f.get("client_secret");
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Basic ")) {
            String pair =
                    new String(
                            Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
            int i = pair.indexOf(':');
            id = URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
        }
        if (!clientId.equals(id) || (clientSecret != null && !clientSecret.equals(secret))) {
            error(ex, 401, "invalid_client");
            return;
        }
        Grant g = codes.get(f.getOrDefault("code", ""));
        if (g == null
                || !"authorization_code".equals(f.get("grant_type"))
                || !g.redirectUri().equals(f.get("redirect_uri"))
                || f.get("code_verifier") == null
                || !OidcLogin.challenge(f.get("code_verifier")).equals(g.challenge())) {
            error(ex, 400, "invalid_grant");
            return;
        }
        synchronized (g.used()) {
            if (g.used()[0]) {
                error(ex, 400, "invalid_grant");
                return;
            }
            g.used()[0] = true;
        }
        redeemed++;
        String idToken = idToken(g);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("access_token", token());
        out.put("token_type", "Bearer");
        out.put("expires_in", 300);
        out.put("id_token", idToken);
        send(ex, 200, "application/json", out.toString());
    }

    private String idToken(Grant g) throws JOSEException {
        Tamper t = tamper;
        tamper = Tamper.NONE;
        Instant now = clock.instant();
        JWTClaimsSet.Builder c =
                new JWTClaimsSet.Builder()
                        .issuer(
                                t == Tamper.WRONG_ISSUER
                                        ? "http://127.0.0.1:1/evil"
                                        : issuer().toString())
                        .subject("sub-" + g.user())
                        .audience(t == Tamper.WRONG_AUDIENCE ? "another-client" : clientId)
                        .issueTime(
                                Date.from(
                                        t == Tamper.EXPIRED
                                                ? now.minus(Duration.ofHours(2))
                                                : t == Tamper.ISSUED_IN_THE_FUTURE
                                                        ? now.plus(Duration.ofHours(1))
                                                        : now))
                        .expirationTime(
                                Date.from(
                                        t == Tamper.EXPIRED
                                                ? now.minus(Duration.ofHours(1))
                                                : now.plus(Duration.ofMinutes(5))))
                        .claim("nonce", t == Tamper.WRONG_NONCE ? "another-nonce" : g.nonce())
                        .claim("preferred_username", g.user());
        users.get(g.user()).forEach(c::claim);
        JWTClaimsSet claims = c.build();
        JWK key = signing;
        if (t == Tamper.ALG_NONE) {
            return new PlainJWT(claims).serialize();
        }
        if (t == Tamper.HS256_WITH_PUBLIC_KEY) {
            // The classic confusion: the published public key's bytes used as an HMAC secret.
            byte[] secret =
                    key instanceof RSAKey r
                            ? r.toRSAPublicKey().getEncoded()
                            : ((ECKey) key).toECPublicKey().getEncoded();
            SignedJWT jwt =
                    new SignedJWT(
                            new JWSHeader.Builder(JWSAlgorithm.HS256)
                                    .keyID(key.getKeyID())
                                    .type(JOSEObjectType.JWT)
                                    .build(),
                            claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        }
        if (t == Tamper.UNKNOWN_KID) {
            key =
                    new RSAKeyGenerator(2048)
                            .keyID("k-never-published")
                            .keyUse(KeyUse.SIGNATURE)
                            .generate();
        }
        JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        JWSSigner signer =
                key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
        SignedJWT jwt =
                new SignedJWT(
                        new JWSHeader.Builder(alg)
                                .keyID(key.getKeyID())
                                .type(JOSEObjectType.JWT)
                                .build(),
                        claims);
        jwt.sign(signer);
        if (t == Tamper.BAD_SIGNATURE) {
            String[] parts = jwt.serialize().split("\\.");
            byte[] sig = new Base64URL(parts[2]).decode();
            sig[sig.length / 2] ^= 0x5a;
            return parts[0] + "." + parts[1] + "." + Base64URL.encode(sig);
        }
        return jwt.serialize();
    }

    // ---- plumbing ----

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        send(ex, status, "application/json", "{\"error\":\"" + code + "\"}");
    }

    private static String token() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Map<String, String> parse(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int i = pair.indexOf('=');
            String k =
                    URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
            String v =
                    i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String type, String body)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
