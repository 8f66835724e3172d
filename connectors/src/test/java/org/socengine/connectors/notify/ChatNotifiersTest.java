package org.socengine.connectors.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.connectors.testing.LoopbackHttpServer.Response;
import org.socengine.model.Json;
import org.socengine.model.Notification;

/**
 * Slack, Mattermost and Telegram channels against fake endpoints on loopback: the payload shapes
 * those APIs accept, hostile values shown and not obeyed, each API's length limit kept, and the
 * token never in an error.
 */
class ChatNotifiersTest {

    static final String TOKEN = "123456789:AAHfakeTelegramToken_abcdefghijkl";

    @TempDir Path dir;
    LoopbackHttpServer server;
    final Notifiers.Runtime noWaits = new Notifiers.Runtime(d -> {}, Clock.systemUTC(), () -> 0.5);

    @BeforeEach
    void start() throws Exception {
        server = LoopbackHttpServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Notifier channel(String type, Map<String, String> settings) {
        return Notifiers.create(
                new ChannelSpec("chat", type, settings),
                SecretResolver.environmentAndFiles(),
                noWaits);
    }

    String ref(String name, String value) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, value);
        return "file:" + p;
    }

    JsonNode only() throws Exception {
        assertThat(server.requests()).hasSize(1);
        return Json.mapper().readTree(server.requests().get(0).body());
    }

    @Test
    void slackGetsTextAndBlocksWithAPlainTextHeaderAndAnEscapedMrkdwnSection() throws Exception {
        DeliveryResult r =
                channel("slack", Map.of("url", ref("hook", server.url("/services/T0/B0/xyz"))))
                        .send(SampleNotifications.hostile());
        assertThat(r.ok()).isTrue();
        assertThat(server.requests().get(0).path()).isEqualTo("/services/T0/B0/xyz");
        JsonNode p = only();
        String text = p.path("text").asText();
        assertThat(text)
                .contains("&lt;!channel&gt;", "&lt;script&gt;")
                .doesNotContain("<!channel>");
        assertThat(text).doesNotContain("<script>", "<https://evil");
        assertThat(p.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        assertThat(p.path("blocks").get(0).path("text").path("type").asText())
                .isEqualTo("plain_text");
        assertThat(p.path("blocks").get(0).path("text").path("text").asText().length())
                .isLessThanOrEqualTo(150);
        JsonNode section = p.path("blocks").get(1);
        assertThat(section.path("type").asText()).isEqualTo("section");
        assertThat(section.path("text").path("type").asText()).isEqualTo("mrkdwn");
        assertThat(section.path("text").path("text").asText().length()).isLessThanOrEqualTo(3000);
        assertThat(text.length()).isLessThanOrEqualTo(3000);
        // The title's line break did not start a line of its own.
        assertThat(text).doesNotContain("\nSubject: hi");
        // Our own link is a link.
        assertThat(
                        channel("slack", Map.of("url", server.url("/s")))
                                .send(SampleNotifications.ordinary())
                                .ok())
                .isTrue();
        assertThat(server.requests().get(1).body())
                .contains("<https://console.soc.example/incidents/inc-7f3a|Open the incident>");
    }

    @Test
    void mattermostGetsMarkdownTextAndAColouredAttachmentWithNoLiveMentionsOrLinks()
            throws Exception {
        DeliveryResult r =
                channel("mattermost", Map.of("url", server.url("/hooks/abc")))
                        .send(SampleNotifications.hostile());
        assertThat(r.ok()).isTrue();
        JsonNode p = only();
        String text = p.path("text").asText();
        assertThat(text.length()).isLessThanOrEqualTo(4000);
        assertThat(text)
                .contains("\\[click\\]\\(https://evil\\.example\\)")
                .contains("@\u200Ball", "@\u200Bhere")
                .doesNotContain("@all", "@here", "[click](");
        JsonNode a = p.path("attachments").get(0);
        assertThat(a.path("color").asText()).isEqualTo("#b00020");
        assertThat(a.path("title_link").asText())
                .isEqualTo("https://console.soc.example/incidents/inc-7f3a");
        assertThat(a.path("fields")).hasSize(4);
        assertThat(a.path("fields").get(0).path("short").asBoolean()).isTrue();
        assertThat(a.path("fallback").asText()).isNotBlank();
    }

    @Test
    void telegramSendMessageInHtmlWithEverySpecialCharacterEscaped() throws Exception {
        Notifier t =
                channel(
                        "telegram",
                        Map.of(
                                "bot_token", ref("token", TOKEN),
                                "chat_id", "-1001234567890",
                                "api_base", server.url("")));
        assertThat(t.send(SampleNotifications.hostile()).ok()).isTrue();
        assertThat(server.requests().get(0).path()).isEqualTo("/bot" + TOKEN + "/sendMessage");
        JsonNode p = only();
        assertThat(p.path("chat_id").isNumber()).isTrue();
        assertThat(p.path("chat_id").asLong()).isEqualTo(-1001234567890L);
        assertThat(p.path("parse_mode").asText()).isEqualTo("HTML");
        assertThat(p.path("link_preview_options").path("is_disabled").asBoolean()).isTrue();
        String text = p.path("text").asText();
        assertThat(text.length()).isLessThanOrEqualTo(4096);
        // Only our own tags: <b> and the incident link.
        String withoutOurs =
                text.replace("<b>", "")
                        .replace("</b>", "")
                        .replaceAll(
                                "<a href=\"https://console\\.soc\\.example/incidents/inc-7f3a\">Open the incident</a>",
                                "");
        assertThat(withoutOurs).doesNotContain("<", ">");
        assertThat(text).contains("&lt;script&gt;", "&lt;a href=&quot;https://evil&quot;&gt;");
        assertThat(text).doesNotContain("\u202E");
    }

    @Test
    void telegramMarkdownV2EscapesItsReservedCharacters() throws Exception {
        Notifier t =
                channel(
                        "telegram",
                        Map.of(
                                "bot_token",
                                ref("token", TOKEN),
                                "chat_id",
                                "@soc_alerts",
                                "parse_mode",
                                "MarkdownV2",
                                "api_base",
                                server.url("/")));
        assertThat(t.send(SampleNotifications.hostile()).ok()).isTrue();
        JsonNode p = only();
        assertThat(p.path("chat_id").asText()).isEqualTo("@soc_alerts");
        assertThat(p.path("parse_mode").asText()).isEqualTo("MarkdownV2");
        String text = p.path("text").asText();
        assertThat(text).contains("\\[click\\]\\(https://evil\\.example\\)", "\\`rm \\-rf\\`");
        // Every reserved character outside our own markup is preceded by a backslash.
        String body = text.replaceAll("\\[Open the incident\\]\\([^)]*\\)", "");
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if ("_[]()~`>#+-=|{}.!".indexOf(c) >= 0) {
                assertThat(i > 0 && body.charAt(i - 1) == '\\')
                        .as("unescaped '%s' at %d in %s", c, i, body)
                        .isTrue();
            }
        }
    }

    @Test
    void telegramsRetryAfterInItsJsonAnswerIsObeyed() throws Exception {
        List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.respond(
                Response.of(
                        429,
                        "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests:"
                                + " retry after 9\",\"parameters\":{\"retry_after\":9}}"));
        Notifier t =
                Notifiers.create(
                        new ChannelSpec(
                                "tg",
                                "telegram",
                                Map.of(
                                        "bot_token", ref("token", TOKEN),
                                        "chat_id", "42",
                                        "api_base", server.url(""))),
                        SecretResolver.environmentAndFiles(),
                        new Notifiers.Runtime(waits::add, Clock.systemUTC(), () -> 0.5));
        DeliveryResult r = t.send(SampleNotifications.ordinary());
        assertThat(r.ok()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(9));
    }

    @Test
    void telegramTokenNeverAppearsInErrorsOrToString() throws Exception {
        server.respond(
                Response.of(500, "internal error at /bot" + TOKEN + "/sendMessage"),
                Response.of(500, "token=" + TOKEN),
                Response.of(404, "{\"ok\":false,\"description\":\"Not Found " + TOKEN + "\"}"));
        Notifier t =
                channel(
                        "telegram",
                        Map.of(
                                "bot_token", ref("token", TOKEN),
                                "chat_id", "42",
                                "api_base", server.url("")));
        DeliveryResult r = t.send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.error()).contains("HTTP 404").doesNotContain(TOKEN).doesNotContain("AAHfake");
        assertThat(t.toString()).doesNotContain(TOKEN);
    }

    @Test
    void lengthLimitsHoldForAHugeNotificationAndTheLinkSurvives() {
        Notification n = SampleNotifications.ordinary();
        n.title = "T".repeat(50_000);
        n.topAlerts = java.util.Collections.nCopies(100, "&<>".repeat(2_000));
        n.entity = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            n.entity.put("k" + i, "v".repeat(5000));
        }
        for (NotificationText.Format f : NotificationText.Format.values()) {
            for (int max : new int[] {150, 3000, 4096}) {
                String s = NotificationText.of(n).render(f, max);
                assertThat(s.length()).as(f + " " + max).isLessThanOrEqualTo(max);
                assertThat(s).as(f + " " + max).isNotEmpty();
                if (max >= 3000) {
                    assertThat(s).as(f + " keeps the link").contains("console.soc.example");
                    assertThat(s).as(f + " says how many alerts were left out").contains("more");
                }
            }
        }
        assertThat(NotificationText.of(n).subject().length()).isLessThanOrEqualTo(200);
    }

    @Test
    void theTextSaysWhatWhereHowBadTheTopAlertsAndTheLink() {
        String s =
                NotificationText.of(SampleNotifications.ordinary())
                        .render(NotificationText.Format.PLAIN, 4000);
        assertThat(s)
                .startsWith("[CRITICAL] Escalated to tier 2: Brute force then lateral movement")
                .contains("Where: Health Department (dept-health) · source.ip=10.20.0.5")
                .contains(
                        "How bad: critical, risk 87 · 14 alerts · tactics: Credential Access, Lateral Movement")
                .contains("Tier: 2 (provincial-soc)")
                .contains("- critical SSH brute force on web01 (42 failures)")
                .contains("... and 11 more")
                .contains("Link: https://console.soc.example/incidents/inc-7f3a")
                .contains("key inc-7f3a:2:oncall-webhook:1");
        assertThat(NotificationText.of(SampleNotifications.ordinary()).subject())
                .isEqualTo(
                        "[CRITICAL] Escalated to tier 2: Brute force then lateral movement from"
                                + " 10.20.0.5 - Health Department (dept-health)");
    }

    @Test
    void hookUrlsGivenLiterallyAreNotShownInErrors() {
        Map<String, String> s = new HashMap<>();
        s.put("url", server.url("/services/T000/B000/SeCrEtHoOkPaTh"));
        s.put("max_attempts", "1");
        server.respond(Response.of(500, "no such hook /services/T000/B000/SeCrEtHoOkPaTh"));
        DeliveryResult r = channel("slack", s).send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).doesNotContain("SeCrEtHoOkPaTh");
    }
}
