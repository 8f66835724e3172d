package org.socengine.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.socengine.model.Json;

/**
 * The configured OpenID Connect provider as the console talks to it: its discovery document, its
 * signing keys (JWKS, fetched again when a token names a key id not yet seen, which is how a
 * provider's key rotation reaches the console) and its token endpoint.
 */
final class OidcProvider {

    private static final int MAX_RESPONSE = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final OidcSettings settings;
    private final HttpClient http;
    private volatile Metadata metadata;
    private volatile JWKSet keys;

    /** What discovery told: the endpoints and how the token endpoint wants the client to log in. */
    record Metadata(
            String issuer,
            URI authorizationEndpoint,
            URI tokenEndpoint,
            URI jwksUri,
            List<String> tokenAuthMethods) {}

    OidcProvider(OidcSettings settings) {
        this.settings = settings;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /** The discovery document, read once (again after a failure). */
    Metadata metadata() throws OidcRefused {
        Metadata m = metadata;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (metadata == null) {
                metadata = discover();
            }
            return metadata;
        }
    }

    private Metadata discover() throws OidcRefused {
        String base = settings.issuer().toString();
        URI uri =
                URI.create(
                        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                                + "/.well-known/openid-configuration");
        JsonNode d = getJson(uri, "discovery");
        String issuer = d.path("issuer").asText("");
        // OpenID Connect Discovery 4.3: the document's issuer is the one configured, exactly.
        if (!issuer.equals(settings.issuer().toString())) {
            throw new OidcRefused(
                    OidcRefused.Kind.PROVIDER,
                    "the discovery document names issuer '"
                            + issuer
                            + "', not the configured "
                            + settings.issuer());
        }
        List<String> methods = new ArrayList<>();
        d.path("token_endpoint_auth_methods_supported").forEach(x -> methods.add(x.asText()));
        try {
            return new Metadata(
                    issuer,
                    endpoint(d, "authorization_endpoint"),
                    endpoint(d, "token_endpoint"),
                    endpoint(d, "jwks_uri"),
                    methods);
        } catch (IllegalArgumentException e) {
            throw new OidcRefused(OidcRefused.Kind.PROVIDER, e.getMessage());
        }
    }

    private static URI endpoint(JsonNode d, String name) {
        String v = d.path(name).asText("");
        URI u = URI.create(v);
        if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
            throw new IllegalArgumentException("the discovery document has no " + name);
        }
        return u;
    }

    /**
     * The provider's key of this id. A key id not among the keys fetched so far makes the console
     * fetch the JWKS again once: a provider publishes a new key before it signs with it. A token
     * only ever reaches this from the provider's own token endpoint (never from the browser), so
     * nobody else can make the console fetch keys in a loop.
     */
    JWK key(String kid) throws OidcRefused {
        JWKSet set = keys;
        if (set == null || find(set, kid) == null) {
            set = fetchKeys();
        }
        return find(set, kid);
    }

    /** All keys as last fetched (for a token without a key id). */
    List<JWK> keys() throws OidcRefused {
        JWKSet set = keys;
        if (set == null) {
            set = fetchKeys();
        }
        return set.getKeys();
    }

    private synchronized JWKSet fetchKeys() throws OidcRefused {
        JsonNode doc = getJson(metadata().jwksUri(), "JWKS");
        try {
            JWKSet set = JWKSet.parse(doc.toString());
            keys = set;
            return set;
        } catch (ParseException e) {
            throw new OidcRefused(OidcRefused.Kind.PROVIDER, "the provider's JWKS does not parse");
        }
    }

    private static JWK find(JWKSet set, String kid) {
        return kid == null ? null : set.getKeyByKeyId(kid);
    }

    /**
     * Trades the authorization code for tokens at the token endpoint, with the PKCE verifier and,
     * for a confidential client, the secret (HTTP Basic unless the provider only takes it in the
     * form). Returns the ID token as received.
     */
    String exchange(String code, String verifier, URI redirectUri) throws OidcRefused {
        Metadata m = metadata();
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", verifier);
        HttpRequest.Builder b =
                HttpRequest.newBuilder(m.tokenEndpoint())
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json");
        String secret = settings.clientSecret();
        if (secret == null) {
            form.put("client_id", settings.clientId());
        } else if (!m.tokenAuthMethods().isEmpty()
                && !m.tokenAuthMethods().contains("client_secret_basic")
                && m.tokenAuthMethods().contains("client_secret_post")) {
            form.put("client_id", settings.clientId());
            form.put("client_secret", secret);
        } else {
            // RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
            String basic = form(settings.clientId()) + ":" + form(secret);
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        String body =
                form.entrySet().stream()
                        .map(e -> form(e.getKey()) + "=" + form(e.getValue()))
                        .collect(Collectors.joining("&"));
        HttpResponse<InputStream> r;
        byte[] bytes;
        try {
            r =
                    http.send(
                            b.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                bytes = in.readNBytes(MAX_RESPONSE);
            }
        } catch (IOException e) {
            throw new OidcRefused(
                    OidcRefused.Kind.PROVIDER,
                    "token endpoint unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcRefused(OidcRefused.Kind.PROVIDER, "interrupted");
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            json = null;
        }
        if (r.statusCode() != 200 || json == null || !json.isObject()) {
            // The provider's error code (invalid_grant, ...) is safe to log; its body may not be.
            String error = json == null ? "" : json.path("error").asText("");
            throw new OidcRefused(
                    "the token endpoint refused the code: HTTP "
                            + r.statusCode()
                            + (error.matches("[a-z_]{1,40}") ? " " + error : ""));
        }
        String idToken = json.path("id_token").asText("");
        if (idToken.isEmpty()) {
            throw new OidcRefused("the token endpoint sent no ID token");
        }
        return idToken;
    }

    private JsonNode getJson(URI uri, String what) throws OidcRefused {
        try {
            HttpResponse<InputStream> r =
                    http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(TIMEOUT)
                                    .header("Accept", "application/json")
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = r.body()) {
                bytes = in.readNBytes(MAX_RESPONSE);
            }
            if (r.statusCode() != 200) {
                throw new OidcRefused(
                        OidcRefused.Kind.PROVIDER,
                        "the provider's " + what + " answered HTTP " + r.statusCode());
            }
            JsonNode n = Json.mapper().readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new OidcRefused(
                        OidcRefused.Kind.PROVIDER, "the provider's " + what + " is not JSON");
            }
            return n;
        } catch (IOException e) {
            throw new OidcRefused(
                    OidcRefused.Kind.PROVIDER,
                    "the provider's " + what + " is unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcRefused(OidcRefused.Kind.PROVIDER, "interrupted");
        }
    }

    static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
