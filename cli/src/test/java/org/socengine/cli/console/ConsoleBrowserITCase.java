package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.connectors.testing.TestAlerts;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;
import org.socengine.model.Json;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleTestRunner;

/**
 * The console end to end in a real browser (headless Chromium through chromedriver) on the real
 * Elasticsearch node: alerts made by the real rule engine from the SSH brute-force rule's fixture
 * and written by the job's own alert writer, then an analyst's log in, filter, open, acknowledge
 * and close; a liaison kept to its department in the page and in the API; markup in alert fields
 * shown as text; five wrong passwords locking a login. Screenshots land in
 * target/console-screenshots.
 */
class ConsoleBrowserITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    private static final Path RULES = Path.of("..", "rules", "detections");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String PASSWORD = ConsoleTestSupport.PASSWORD;
    private static final String XSS =
            "<script>window.xssRan=1</script><img src=x onerror=\"window.xssRan=2\">";

    private static ElasticsearchClient client;
    private static Console console;
    private static MutableClock clock;
    private static String statusTopic;
    private static String deptA;
    private static String deptB;
    private static String bruteForceId;
    private static String otherDeptId;
    private static String xssId;
    private static WebDriver browser;
    private static OidcTestProvider provider;

    @BeforeAll
    static void startConsoleAndBrowser() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        deptA = "it-con-a-" + run;
        deptB = "it-con-b-" + run;
        ElasticsearchSettings es = ElasticsearchSettings.of(SERVICES.elasticsearchUrl());
        client = ElasticsearchClients.create(es);

        List<Alert> alerts = new ArrayList<>();
        // A real detection: the SSH brute-force rule over its own fixture, moved to an hour ago
        // and to department A.
        RuleDefinition def =
                RuleParser.parse(RULES.resolve("syslog/credential_access_ssh_brute_force.yml"));
        CompiledRule rule = new RuleCompiler().compile(def);
        List<SecurityEvent> events =
                RuleTestRunner.readNdjson(
                        RULES.resolve("syslog/fixtures/ssh_brute_force_30.ndjson"));
        long shift =
                Instant.now().minus(Duration.ofHours(1)).toEpochMilli() - events.get(0).timestamp;
        for (SecurityEvent e : events) {
            e.timestamp += shift;
            e.ensureOrganization().id = deptA;
            e.organization.name = "Department A";
        }
        List<Alert> detected = RuleTestRunner.replay(rule, events);
        assertThat(detected).as("the rule fires on its fixture").isNotEmpty();
        alerts.addAll(detected);
        bruteForceId = detected.get(0).id;

        long t = Instant.now().minus(Duration.ofMinutes(30)).toEpochMilli();
        Alert other = TestAlerts.alert(deptB, "203.0.113.77", t);
        alerts.add(other);
        otherDeptId = other.id;

        Alert xss = TestAlerts.alert(deptA, "203.0.113.66", t + 1000);
        xss.ruleId = "it-console-markup";
        xss.ruleName = "Markup " + XSS;
        xss.entity.clear();
        xss.entity.put("host.name", XSS);
        xss.details.put("note", XSS);
        xss.id = AlertIds.of(xss.ruleId, 1, xss.groupKey(), xss.windowStart);
        alerts.add(xss);
        xssId = xss.id;

        ConsoleTestSupport.index(es, alerts, 100);
        client.indices().refresh(r -> r.index(AlertIndices.ALIAS));

        ConsoleUsers users =
                ConsoleUsers.of(
                        List.of(
                                ConsoleTestSupport.user(
                                        "lan", ConsoleUser.Role.ANALYST, null, "en"),
                                ConsoleTestSupport.user(
                                        "minh", ConsoleUser.Role.LIAISON, deptA, "vi"),
                                ConsoleTestSupport.user(
                                        "lockme", ConsoleUser.Role.ANALYST, null, "en")));
        // The OIDC provider beside the users file: a liaison of department A signs in there.
        clock = new MutableClock(Instant.now());
        // On the console's clock: a test moves it past lockouts, and tokens must move with it.
        provider =
                new OidcTestProvider("soc-console", "console secret", clock)
                        .user(
                                "oidc-minh",
                                java.util.Map.of(
                                        "groups", List.of("soc-liaison"), "department", deptA));
        statusTopic = "it.console.alert-status." + run;
        SERVICES.kafka().createTopic(statusTopic, 1);
        console =
                Console.start(
                        Console.Settings.of(
                                        users,
                                        es,
                                        KafkaSettings.of(SERVICES.bootstrapServers()),
                                        RULES)
                                .withStatusTopic(statusTopic)
                                .withClock(clock)
                                .withOidc(
                                        OidcSettings.of(
                                                        provider.issuer(),
                                                        "soc-console",
                                                        "console secret")
                                                .withDisplayName("Test IdP"),
                                        true));

        Files.createDirectories(SHOTS);
        browser = startBrowser();
    }

    static WebDriver startBrowser() throws Exception {
        return ConsoleTestSupport.startBrowser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (console != null) {
            console.close();
        }
        if (client != null) {
            client.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private static String url(String path) {
        return console.url().resolve(path).toString();
    }

    private static void login(WebDriver d, String user, String password) {
        d.manage().deleteAllCookies();
        d.get(url("/login"));
        d.findElement(By.id("user")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(password);
        submit(d, By.id("login"));
    }

    private static void shot(WebDriver d, String name) throws Exception {
        // The whole page: headless Chromium grows the window to the document's height.
        Object h =
                ((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript("return document.documentElement.scrollHeight");
        d.manage()
                .window()
                .setSize(
                        new Dimension(
                                1400, Math.min(4000, Math.max(900, ((Number) h).intValue()))));
        byte[] png = ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
        d.manage().window().setSize(new Dimension(1400, 1000));
    }

    /**
     * Clicks a submit button and waits (10 s at most) until the page it was on is gone: the click
     * returns before the next page is there, and an element read meanwhile is the old page's (the
     * alert page after "ack" has the same URL and the same ids as before it).
     */
    private static void submit(WebDriver d, By button) {
        WebElement before = d.findElement(By.tagName("html"));
        d.findElement(button).click();
        long end = System.currentTimeMillis() + 10_000;
        while (!gone(before)) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("the page stayed after a click on " + button);
            }
            Thread.onSpinWait();
        }
    }

    private static boolean gone(WebElement e) {
        try {
            e.getTagName();
            return false;
        } catch (StaleElementReferenceException stale) {
            return true;
        }
    }

    /** A click on a submit button returns before the next page is there: wait for its URL. */
    private static void awaitUrl(WebDriver d, String part) {
        long end = System.currentTimeMillis() + 10_000;
        while (!d.getCurrentUrl().contains(part)) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError(
                        "no page with " + part + " in its URL: " + d.getCurrentUrl());
            }
            Thread.onSpinWait();
        }
    }

    private static void choose(WebDriver d, String select, String value) {
        for (WebElement o : d.findElement(By.id(select)).findElements(By.tagName("option"))) {
            if (value.equals(o.getAttribute("value"))) {
                o.click();
                return;
            }
        }
        throw new AssertionError("no option " + value + " in " + select);
    }

    private static List<String> rowIds(WebDriver d) {
        return d.findElements(By.cssSelector("#queue tr.alert-row")).stream()
                .map(r -> r.getAttribute("data-id"))
                .toList();
    }

    private static ObjectNode stored(String id) throws Exception {
        client.indices().refresh(r -> r.index(AlertIndices.ALIAS));
        var r =
                client.search(
                        s -> s.index(AlertIndices.ALIAS).query(q -> q.ids(i -> i.values(id))),
                        ObjectNode.class);
        return r.hits().hits().get(0).source();
    }

    @Test
    void anAnalystFiltersOpensAcknowledgesAndClosesAnAlert() throws Exception {
        login(browser, "lan", PASSWORD);
        assertThat(browser.getCurrentUrl()).endsWith("/alerts");
        assertThat(browser.findElement(By.id("who")).getText()).contains("lan");

        choose(browser, "f-department", deptA);
        choose(browser, "f-severity", "high");
        choose(browser, "f-range", "24h");
        submit(browser, By.id("apply"));
        awaitUrl(browser, "severity=high");
        List<String> ids = rowIds(browser);
        assertThat(ids).contains(bruteForceId).doesNotContain(otherDeptId);
        shot(browser, "01-queue");

        browser.findElement(By.cssSelector("tr[data-id='" + bruteForceId + "'] a.alert-link"))
                .click();
        assertThat(browser.findElement(By.id("alert-status")).getText()).isEqualTo("open");
        assertThat(browser.findElement(By.id("triage")).getText())
                .as("the triage guide of the rule file")
                .contains(def().triage().strip().lines().findFirst().orElseThrow().strip());
        assertThat(browser.findElements(By.cssSelector("details.event"))).isNotEmpty();
        assertThat(browser.findElement(By.id("facts")).getText()).contains("T1110");
        shot(browser, "02-alert");

        submit(browser, By.id("ack"));
        assertThat(browser.findElement(By.id("flash")).getText()).contains("acknowledged");
        assertThat(browser.findElement(By.id("alert-status")).getText()).isEqualTo("acknowledged");
        JsonNode acked = stored(bruteForceId).path("alert");
        assertThat(acked.path("status").asText()).isEqualTo("acknowledged");
        assertThat(acked.path("status_by").asText()).isEqualTo("lan");

        choose(browser, "disposition", "false_positive");
        browser.findElement(By.id("note")).sendKeys("scanner of the IT team");
        submit(browser, By.id("close"));
        assertThat(browser.findElement(By.id("alert-status")).getText()).isEqualTo("closed");
        JsonNode closed = stored(bruteForceId).path("alert");
        assertThat(closed.path("status").asText()).isEqualTo("closed");
        assertThat(closed.path("disposition").asText()).isEqualTo("false_positive");
        assertThat(closed.path("status_comment").asText()).isEqualTo("scanner of the IT team");
        shot(browser, "03-alert-closed");

        // Published on the status topic as ./soc alerts ack|close publishes: both changes.
        List<String> published = new ArrayList<>();
        try (KafkaConsumer<String, String> c = SERVICES.stringConsumer("earliest")) {
            c.subscribe(List.of(statusTopic));
            long end = System.currentTimeMillis() + 10_000;
            while (published.size() < 2 && System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (bruteForceId.equals(r.key())) {
                        published.add(Json.mapper().readTree(r.value()).path("status").asText());
                    }
                }
            }
        }
        assertThat(published).containsExactly("acknowledged", "closed");

        for (String page : List.of("overview", "incidents", "rules")) {
            browser.get(url("/" + page + (page.equals("overview") ? "?range=7d" : "")));
            assertThat(browser.findElements(By.id("not-found"))).isEmpty();
            if (page.equals("overview")) {
                assertThat(browser.findElement(By.id("matrix")).getText()).contains("Brute Force");
            }
            shot(browser, "04-" + page);
        }
        browser.get(url("/rules"));
        assertThat(browser.findElement(By.id("rule-health")).getText()).contains(def().name());
    }

    private static RuleDefinition def() throws Exception {
        return RuleParser.parse(RULES.resolve("syslog/credential_access_ssh_brute_force.yml"));
    }

    @Test
    void markupInAlertFieldsIsShownAsText() throws Exception {
        login(browser, "lan", PASSWORD);
        browser.get(url("/alerts?range=24h&department=" + deptA));
        assertThat(browser.findElement(By.id("queue")).getText()).contains(XSS);
        browser.get(url("/alerts/" + xssId));
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains(XSS);
        assertThat(browser.findElement(By.id("entity")).getText()).isEqualTo(XSS);
        assertThat(browser.findElements(By.tagName("script"))).as("no script element").isEmpty();
        assertThat(browser.findElements(By.cssSelector("main img")))
                .as("no injected image")
                .isEmpty();
        Object ran =
                ((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("return window.xssRan === undefined ? 'no' : 'yes'");
        assertThat(ran).isEqualTo("no");
        shot(browser, "05-markup-as-text");
    }

    @Test
    void aLiaisonSeesAndChangesOnlyItsOwnDepartment() throws Exception {
        WebDriver d = startBrowser();
        try {
            login(d, "minh", PASSWORD);
            d.get(url("/alerts?range=all&size=500"));
            List<String> ids = rowIds(d);
            assertThat(ids).contains(xssId).doesNotContain(otherDeptId);
            assertThat(d.findElements(By.id("f-department")))
                    .as("no department choice for a liaison")
                    .isEmpty();
            d.get(url("/alerts?range=all&department=" + deptB));
            assertThat(rowIds(d)).isEmpty();
            d.get(url("/alerts/" + otherDeptId));
            assertThat(d.findElement(By.id("not-found")).getText()).isNotEmpty();
            shot(d, "06-liaison-other-department");

            // The API, called directly with the liaison's session and CSRF token.
            String cookie = "soc_session=" + d.manage().getCookieNamed("soc_session").getValue();
            assertThat(d.manage().getCookieNamed("soc_session").isHttpOnly()).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode session = Json.mapper().readTree(get(http, cookie, "/api/session").body());
            assertThat(session.path("department").asText()).isEqualTo(deptA);
            String csrf = session.path("csrf").asText();

            assertThat(get(http, cookie, "/api/alerts/" + otherDeptId).statusCode()).isEqualTo(404);
            assertThat(get(http, cookie, "/api/alerts/" + xssId).statusCode()).isEqualTo(200);
            JsonNode list =
                    Json.mapper()
                            .readTree(
                                    get(http, cookie, "/api/alerts?range=all&department=" + deptB)
                                            .body());
            assertThat(list.path("total").asLong()).isZero();
            JsonNode mine =
                    Json.mapper()
                            .readTree(get(http, cookie, "/api/alerts?range=all&size=500").body());
            for (JsonNode a : mine.path("alerts")) {
                assertThat(a.path("organization").path("id").asText()).isEqualTo(deptA);
            }

            HttpResponse<String> change =
                    post(
                            http,
                            cookie,
                            csrf,
                            "/api/alerts/" + otherDeptId + "/status",
                            "action=ack");
            assertThat(change.statusCode()).isEqualTo(404);
            assertThat(stored(otherDeptId).path("alert").path("status").asText()).isEqualTo("open");

            HttpResponse<String> noCsrf =
                    post(http, cookie, null, "/api/alerts/" + xssId + "/status", "action=ack");
            assertThat(noCsrf.statusCode()).as("no CSRF token, no change").isEqualTo(403);
            HttpResponse<String> wrongCsrf =
                    post(
                            http,
                            cookie,
                            "x" + csrf,
                            "/api/alerts/" + xssId + "/status",
                            "action=ack");
            assertThat(wrongCsrf.statusCode()).isEqualTo(403);
            assertThat(stored(xssId).path("alert").path("status").asText()).isEqualTo("open");

            assertThat(get(http, null, "/api/alerts/" + xssId).statusCode())
                    .as("no session, nothing")
                    .isEqualTo(401);
        } finally {
            d.quit();
        }
    }

    private static HttpResponse<String> get(HttpClient http, String cookie, String path)
            throws Exception {
        return ConsoleTestSupport.get(http, console.url(), cookie, path, Duration.ofSeconds(10));
    }

    private static HttpResponse<String> post(
            HttpClient http, String cookie, String csrf, String path, String form)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url(path)))
                        .timeout(Duration.ofSeconds(10))
                        .header("Cookie", cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form));
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fiveWrongPasswordsLockTheLoginForAWhile() throws Exception {
        for (int i = 1; i <= 4; i++) {
            login(browser, "lockme", "wrong password " + i);
            assertThat(browser.findElement(By.id("login-error")).getText())
                    .contains("Sai tên đăng nhập hoặc mật khẩu");
        }
        login(browser, "lockme", "wrong password 5");
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("khóa");
        login(browser, "lockme", PASSWORD);
        assertThat(browser.findElement(By.id("login-error")).getText())
                .as("the right password is refused while locked")
                .contains("khóa");
        shot(browser, "07-login-locked");
        clock.advance(Duration.ofMinutes(16));
        login(browser, "lockme", PASSWORD);
        assertThat(browser.getCurrentUrl()).endsWith("/alerts");
        assertThat(browser.findElements(By.id("login-error"))).isEmpty();
    }

    @Test
    void theAlertPageIsInVietnameseForAVietnameseUser() throws Exception {
        WebDriver d = startBrowser();
        try {
            login(d, "minh", PASSWORD);
            d.get(url("/alerts/" + xssId));
            WebElement nav = d.findElement(By.id("nav-alerts"));
            assertThat(nav.getText()).isEqualTo("Cảnh báo");
            assertThat(d.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("vi");
        } finally {
            d.quit();
        }
    }

    @Test
    void aLiaisonSignsInThroughTheProviderAndSeesOnlyItsDepartment() throws Exception {
        WebDriver d = startBrowser();
        try {
            d.get(url("/login?lang=en"));
            submitLink(d, By.id("oidc-login"));
            // The provider's own login form.
            choose(d, "provider-user", "oidc-minh");
            d.findElement(By.id("provider-password")).sendKeys(OidcTestProvider.PASSWORD);
            submit(d, By.id("provider-login"));
            awaitUrl(d, "/alerts");
            assertThat(d.findElement(By.id("who")).getText()).contains("oidc-minh").contains(deptA);
            d.get(url("/alerts?range=all&size=500"));
            assertThat(rowIds(d)).contains(xssId, bruteForceId).doesNotContain(otherDeptId);
            assertThat(d.findElements(By.id("f-department"))).isEmpty();
            d.get(url("/alerts/" + otherDeptId));
            assertThat(d.findElement(By.id("not-found")).getText()).isNotEmpty();
            shot(d, "08-oidc-liaison");
        } finally {
            d.quit();
        }
    }

    private static void submitLink(WebDriver d, By link) {
        WebElement before = d.findElement(By.tagName("html"));
        d.findElement(link).click();
        long end = System.currentTimeMillis() + 10_000;
        while (!gone(before)) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("the page stayed after a click on " + link);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void theQueueCountsUpToItsCapAndSaysSo() throws Exception {
        ConsoleUser analyst = ConsoleTestSupport.user("lan", ConsoleUser.Role.ANALYST, null, "en");
        AlertQueueFilter all =
                AlertQueueFilter.from(
                        java.util.Map.of("range", "all", "department", deptA),
                        ConsoleUser.DEFAULT_ZONE);
        ConsoleData.Page exact = new ConsoleData(client, null).queue(analyst, all, Instant.now());
        assertThat(exact.atLeast()).isFalse();
        assertThat(exact.total()).isGreaterThanOrEqualTo(2);
        ConsoleData.Page capped =
                new ConsoleData(client, null, 1).queue(analyst, all, Instant.now());
        assertThat(capped.atLeast()).isTrue();
        assertThat(capped.total()).isEqualTo(1);
        assertThat(capped.alerts()).hasSize(exact.alerts().size());
    }

    @Test
    void freeTextFindsEntitiesByWordAndPrefixAndPatternsAsTyped() throws Exception {
        ConsoleUser analyst = ConsoleTestSupport.user("lan", ConsoleUser.Role.ANALYST, null, "en");
        ConsoleData data = new ConsoleData(client, null);
        assertThat(ids(data, analyst, "203.0.113.7")).contains(otherDeptId);
        assertThat(ids(data, analyst, "203.0.113.77")).contains(otherDeptId).doesNotContain(xssId);
        assertThat(ids(data, analyst, "113.77"))
                .as("not the middle of a word")
                .doesNotContain(otherDeptId);
        assertThat(ids(data, analyst, "*113.77")).as("a pattern, as typed").contains(otherDeptId);
        assertThat(ids(data, analyst, "SCRIPT")).as("case does not matter").contains(xssId);
        assertThat(ids(data, analyst, otherDeptId)).containsExactly(otherDeptId);

        // An index made before the template had alert.search is searched the old way.
        String legacy = "soc-legacy-" + UUID.randomUUID().toString().substring(0, 8);
        // As the version-3 template mapped an alert's id, time and entity: no alert.search.
        String mapping =
                "{\"mappings\":{\"properties\":{\"@timestamp\":{\"type\":\"date\"},"
                        + "\"alert\":{\"properties\":{\"id\":{\"type\":\"keyword\"},"
                        + "\"group_key\":{\"type\":\"keyword\"}}}}},"
                        + "\"aliases\":{\"soc-alerts\":{}}}";
        client.indices().create(c -> c.index(legacy).withJson(new java.io.StringReader(mapping)));
        try {
            JsonNode doc =
                    Json.mapper()
                            .readTree(
                                    "{\"@timestamp\":\""
                                            + Instant.now()
                                            + "\",\"alert\":{\"id\":\"legacy-1\",\"group_key\":\"198.51.100.23\"}}");
            client.index(i -> i.index(legacy).id("legacy-1").document(doc));
            client.indices().refresh(r -> r.index(legacy));
            // A new ConsoleData: the list of such indices is kept for a minute.
            assertThat(ids(new ConsoleData(client, null), analyst, "100.23")).contains("legacy-1");
        } finally {
            client.indices().delete(x -> x.index(legacy));
        }
    }

    private static List<String> ids(ConsoleData data, ConsoleUser u, String q) throws Exception {
        AlertQueueFilter f =
                AlertQueueFilter.from(
                        java.util.Map.of("range", "all", "q", q, "size", "500"),
                        ConsoleUser.DEFAULT_ZONE);
        return data.queue(u, f, Instant.now()).alerts().stream()
                .map(a -> a.path("alert").path("id").asText())
                .toList();
    }
}
