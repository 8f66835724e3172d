package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.internal.AlertIndexWriter;
import org.socengine.connectors.testing.TestWriterContext;
import org.socengine.model.Alert;

/**
 * What the console's browser test and its queue benchmark share: the users and their password, the
 * alerts written through the job's own alert writer, the HTTP login and requests with a session
 * cookie, and the headless Chromium.
 */
final class ConsoleTestSupport {

    static final String PASSWORD = "correct horse battery";

    private static final SinkWriter.Context NO_CONTEXT = TestWriterContext.NO_RECORD_CONTEXT;

    /** Few iterations: the tests log in often, and the hash's strength is not what they test. */
    private static final String HASH = PasswordHashes.hash(PASSWORD.toCharArray(), 10_000);

    private ConsoleTestSupport() {}

    /** A user with {@link #PASSWORD}, in the default time zone. */
    static ConsoleUser user(
            String name, ConsoleUser.Role role, String department, String language) {
        return new ConsoleUser(name, role, department, language, ConsoleUser.DEFAULT_ZONE, HASH);
    }

    /** Writes the alerts as the detection job does, in batches of {@code batch}, and flushes. */
    static void index(ElasticsearchSettings es, Iterable<Alert> alerts, int batch)
            throws Exception {
        TestWriterContext context = TestWriterContext.create();
        try (AlertIndexWriter w =
                new AlertIndexWriter(
                        new AlertIndexWriter.Options(es, batch, 60_000, 1000, 0),
                        context.getProcessingTimeService(),
                        context.metricGroup(),
                        null)) {
            for (Alert a : alerts) {
                w.write(a, NO_CONTEXT);
            }
            w.flush(false);
        }
    }

    /** Logs in through the login form over HTTP; the session cookie, ready for a Cookie header. */
    static String login(HttpClient http, URI console, String user) throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(console.resolve("/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "user="
                                                        + URLEncoder.encode(
                                                                user, StandardCharsets.UTF_8)
                                                        + "&password="
                                                        + URLEncoder.encode(
                                                                PASSWORD, StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("login of " + user).isEqualTo(303);
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    /** A GET with the session cookie (none when null), bounded by the timeout. */
    static HttpResponse<String> get(
            HttpClient http, URI console, String cookie, String path, Duration timeout)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(console.resolve(path)).timeout(timeout);
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Debian's headless Chromium through its chromedriver, with a profile of its own. */
    static WebDriver startBrowser() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        assertThat(chromium).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(driver).as("Debian's chromium-driver (.ci/run installs it)").exists();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium.toFile());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1400,1000",
                "--user-data-dir=" + Files.createTempDirectory("soc-console-chromium"));
        ChromeDriverService service =
                new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
        WebDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        // Elements of the page a submit leads to are looked for until it is there (10 s at most).
        d.manage().timeouts().implicitlyWait(Duration.ofSeconds(10));
        d.manage().window().setSize(new Dimension(1400, 1000));
        return d;
    }
}
