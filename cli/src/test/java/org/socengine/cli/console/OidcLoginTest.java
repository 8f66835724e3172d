package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.model.Json;

/**
 * Sign-in through an OpenID Connect provider, end to end over HTTP on the loopback: the console and
 * a real provider ({@link OidcTestProvider}), no Elasticsearch needed (the session API answers from
 * the session alone). The provider is made to misbehave in every way the console must refuse.
 */
class OidcLoginTest {

    private static final String CLIENT = "soc-console";
    private static final String SECRET = "s3cret with spaces & symbols";

    private static OidcTestProvider provider;
    private static Console console;
    private static Console oidcOnly;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        provider =
                new OidcTestProvider(CLIENT, SECRET, Clock.systemUTC())
                        .user("lan", Map.of("groups", List.of("staff", "soc-analyst")))
                        .user(
                                "minh",
                                Map.of(
                                        "groups",
                                        List.of("soc-liaison"),
                                        "department",
                                        "so-yt",
                                        "locale",
                                        "en"))
                        .user("root", Map.of("groups", "soc-admin"))
                        .user("guest", Map.of("groups", List.of("staff")))
                        .user("nodept", Map.of("groups", List.of("soc-liaison")));
        OidcSettings oidc =
                OidcSettings.of(provider.issuer(), CLIENT, SECRET).withDisplayName("Test IdP");
        console = start(oidc, true);
        oidcOnly = start(oidc, false);
    }

    private static Console start(OidcSettings oidc, boolean passwords) throws Exception {
        return Console.start(
                Console.Settings.of(
                                ConsoleUsers.of(
                                        List.of(
                                                ConsoleTestSupport.user(
                                                        "pw",
                                                        ConsoleUser.Role.ANALYST,
                                                        null,
                                                        "en"))),
                                // Never reached: sign-in and the session API need no alert.
                                ElasticsearchSettings.of("http://127.0.0.1:9"),
                                null,
                                Path.of("..", "rules", "detections"))
                        .withOidc(oidc, passwords));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {console, oidcOnly, provider}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    /** The provider's redirect back to the console, and the browser key of the login. */
    private record Answer(URI callback, String browserKey, URI authorize) {}

    private static Answer authorize(Console c, String user) throws Exception {
        return authorize(c, user, "en");
    }

    private static Answer authorize(Console c, String user, String lang) throws Exception {
        HttpResponse<String> begin = get(c.url().resolve("/oidc/login?lang=" + lang), null);
        assertThat(begin.statusCode()).isEqualTo(303);
        URI authorize = URI.create(begin.headers().firstValue("Location").orElseThrow());
        String setCookie =
                begin.headers().allValues("Set-Cookie").stream()
                        .filter(h -> h.startsWith(OidcLogin.COOKIE + "="))
                        .findFirst()
                        .orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax");
        String key = setCookie.substring(OidcLogin.COOKIE.length() + 1, setCookie.indexOf(';'));
        HttpResponse<String> login =
                HTTP.send(
                        HttpRequest.newBuilder(provider.issuer().resolve("/realm/authorize"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                authorize.getRawQuery()
                                                        + "&username="
                                                        + enc(user)
                                                        + "&password="
                                                        + enc(OidcTestProvider.PASSWORD)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        return new Answer(
                URI.create(login.headers().firstValue("Location").orElseThrow()), key, authorize);
    }

    private static HttpResponse<String> callback(URI uri, String browserKey) throws Exception {
        return get(uri, browserKey == null ? null : OidcLogin.COOKIE + "=" + browserKey);
    }

    private static String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(Sessions.COOKIE + "=") && !h.contains("Max-Age=0"))
                .map(h -> h.substring(0, h.indexOf(';')))
                .findFirst()
                .orElse(null);
    }

    private static JsonNode session(Console c, String cookie) throws Exception {
        HttpResponse<String> r = get(c.url().resolve("/api/session"), cookie);
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static HttpResponse<String> signIn(String user) throws Exception {
        return signIn(user, "en");
    }

    private static HttpResponse<String> signIn(String user, String lang) throws Exception {
        Answer a = authorize(console, user, lang);
        return callback(a.callback(), a.browserKey());
    }

    @Test
    void anAnalystSignsInWithPkceStateAndNonce() throws Exception {
        Answer a = authorize(console, "lan");
        Map<String, String> q = OidcTestProvider.parse(a.authorize().getRawQuery());
        assertThat(q.get("code_challenge_method")).isEqualTo("S256");
        assertThat(q.get("code_challenge")).hasSize(43);
        assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(43);
        assertThat(q.get("nonce")).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(q.get("state"));
        assertThat(q.get("scope")).contains("openid");
        assertThat(q.get("redirect_uri"))
                .isEqualTo(console.url().resolve("/oidc/callback").toString());

        HttpResponse<String> r = callback(a.callback(), a.browserKey());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("http-equiv=\"refresh\"").contains("/alerts");
        String cookie = sessionCookie(r);
        assertThat(r.headers().allValues("Set-Cookie"))
                .anySatisfy(
                        h -> assertThat(h).startsWith("soc_session=").contains("SameSite=Strict"));
        JsonNode s = session(console, cookie);
        assertThat(s.path("user").asText()).isEqualTo("lan");
        assertThat(s.path("role").asText()).isEqualTo("analyst");
        assertThat(s.path("department").isNull()).isTrue();
    }

    @Test
    void aLiaisonGetsTheDepartmentOfItsClaimAndAnAdminItsRole() throws Exception {
        JsonNode liaison = session(console, sessionCookie(signIn("minh")));
        assertThat(liaison.path("role").asText()).isEqualTo("liaison");
        assertThat(liaison.path("department").asText()).isEqualTo("so-yt");
        JsonNode admin = session(console, sessionCookie(signIn("root")));
        assertThat(admin.path("role").asText()).isEqualTo("admin");
    }

    @Test
    void claimsThatNameNoRoleAreRefusedWithAPageSayingSo() throws Exception {
        HttpResponse<String> r = signIn("guest", "vi");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(sessionCookie(r)).isNull();
        assertThat(r.body()).contains("chưa được cấp vai trò").contains("id=\"oidc-login\"");
    }

    @Test
    void aRefusalIsToldInTheLanguageTheSignInStartedIn() throws Exception {
        HttpResponse<String> r = signIn("guest", "en");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("has no role in this console").doesNotContain("vai trò");
    }

    @Test
    void aLiaisonClaimWithoutADepartmentIsRefused() throws Exception {
        HttpResponse<String> r = signIn("nodept", "vi");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(sessionCookie(r)).isNull();
        assertThat(r.body()).contains("chưa gắn với đơn vị");
    }

    @ParameterizedTest
    @EnumSource(
            value = OidcTestProvider.Tamper.class,
            names = {"NONE"},
            mode = EnumSource.Mode.EXCLUDE)
    void anIdTokenThatFailsAnyCheckSignsNobodyIn(OidcTestProvider.Tamper tamper) throws Exception {
        Answer a = authorize(console, "lan", "vi");
        provider.tamperNext(tamper);
        HttpResponse<String> r = callback(a.callback(), a.browserKey());
        assertThat(r.statusCode()).as(tamper.name()).isEqualTo(403);
        assertThat(sessionCookie(r)).as(tamper.name()).isNull();
        assertThat(r.body()).contains("Không xác thực được");
    }

    @Test
    void aCallbackWithAnotherStateIsRefusedBeforeTheCodeIsRedeemed() throws Exception {
        Answer a = authorize(console, "lan");
        int before = provider.redeemed();
        String forged = a.callback().toString().replaceAll("state=[^&]+", "state=forged");
        HttpResponse<String> r = callback(URI.create(forged), a.browserKey());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(provider.redeemed()).as("the code was never sent on").isEqualTo(before);
    }

    @Test
    void aCallbackIsGoodOnceAndOnlyInTheBrowserThatStartedIt() throws Exception {
        Answer a = authorize(console, "lan");
        HttpResponse<String> other = callback(a.callback(), "another-browser");
        assertThat(other.statusCode()).as("another browser's cookie").isEqualTo(403);

        Answer b = authorize(console, "lan");
        assertThat(callback(b.callback(), null).statusCode()).as("no cookie").isEqualTo(403);

        Answer c = authorize(console, "lan");
        assertThat(callback(c.callback(), c.browserKey()).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = callback(c.callback(), c.browserKey());
        assertThat(replay.statusCode()).as("the same answer again").isEqualTo(403);
        assertThat(sessionCookie(replay)).isNull();
    }

    @Test
    void aRotatedKeyIsFetchedByItsKeyIdForRs256AndEs256() throws Exception {
        assertThat(signIn("lan").statusCode()).isEqualTo(200);
        int fetches = provider.jwksFetches();
        provider.rotate(JWSAlgorithm.ES256);
        assertThat(signIn("lan").statusCode()).as("ES256, a key id not yet seen").isEqualTo(200);
        assertThat(provider.jwksFetches()).isEqualTo(fetches + 1);
        assertThat(signIn("lan").statusCode()).isEqualTo(200);
        assertThat(provider.jwksFetches())
                .as("a known key id is not fetched again")
                .isEqualTo(fetches + 1);
        provider.rotate(JWSAlgorithm.RS256);
        provider.retireOldKeys();
        assertThat(signIn("minh").statusCode()).isEqualTo(200);
    }

    @Test
    void passwordLoginCanBeTurnedOff() throws Exception {
        HttpResponse<String> page = get(oidcOnly.url().resolve("/login?lang=en"), null);
        assertThat(page.body())
                .contains("Sign in with Test IdP")
                .doesNotContain("name=\"password\"");
        HttpResponse<String> post =
                HTTP.send(
                        HttpRequest.newBuilder(oidcOnly.url().resolve("/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "user=pw&password="
                                                        + enc(ConsoleTestSupport.PASSWORD)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(sessionCookie(post)).isNull();

        // Where both are on, the users file's password still logs in.
        assertThat(ConsoleTestSupport.login(HTTP, console.url(), "pw")).startsWith("soc_session=");
        assertThat(get(console.url().resolve("/login"), null).body())
                .contains("name=\"password\"")
                .contains("Đăng nhập qua Test IdP");
    }

    @Test
    void theClientSecretStaysOutOfTheSettingsText() {
        assertThat(OidcSettings.of(provider.issuer(), CLIENT, SECRET).toString())
                .doesNotContain(SECRET)
                .contains("(set)");
    }

    private static HttpResponse<String> get(URI uri, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
