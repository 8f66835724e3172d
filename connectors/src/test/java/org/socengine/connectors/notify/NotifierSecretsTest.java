package org.socengine.connectors.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.testing.CapturedLogs;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.connectors.testing.LoopbackHttpServer.Response;

/**
 * Secrets stay out of everything a notifier shows: toString, results, error messages and the log of
 * a delivery that was retried and failed, for every channel type whose secret a receiver could echo
 * back.
 */
class NotifierSecretsTest {

    static final String HOOK_SECRET = "whsec-SECRET-a1b2c3d4";
    static final String TG_TOKEN = "987654:TOKEN-zz99yy88xx77";
    static final String SLACK_PATH = "/services/T1/B2/SLACKHOOKSECRET";

    @Test
    void noSecretInToStringResultsErrorsOrLogs() throws Exception {
        Map<String, String> secrets = Map.of("env:HOOK", HOOK_SECRET, "env:TG", TG_TOKEN);
        Notifiers.Runtime noWaits = new Notifiers.Runtime(d -> {}, Clock.systemUTC(), () -> 0.3);
        try (LoopbackHttpServer server = LoopbackHttpServer.start();
                CapturedLogs logs = CapturedLogs.start()) {
            Notifier[] notifiers = {
                Notifiers.create(
                        new ChannelSpec(
                                "hook",
                                "webhook",
                                Map.of(
                                        "url", server.url("/h"),
                                        "secret", "env:HOOK",
                                        "max_attempts", "3")),
                        secrets::get,
                        noWaits),
                Notifiers.create(
                        new ChannelSpec(
                                "tg",
                                "telegram",
                                Map.of(
                                        "bot_token", "env:TG",
                                        "chat_id", "5",
                                        "api_base", server.url(""),
                                        "max_attempts", "3")),
                        secrets::get,
                        noWaits),
                Notifiers.create(
                        new ChannelSpec(
                                "slack",
                                "slack",
                                Map.of("url", server.url(SLACK_PATH), "max_attempts", "3")),
                        secrets::get,
                        noWaits)
            };
            // Each receiver echoes its own channel's secret back, as a misconfigured proxy might.
            String[] echoes = {
                "bad signature for " + HOOK_SECRET,
                "no bot /bot" + TG_TOKEN + "/sendMessage token=" + TG_TOKEN,
                "no such hook " + SLACK_PATH + " password=hunter2"
            };
            StringBuilder shown = new StringBuilder();
            for (int i = 0; i < notifiers.length; i++) {
                Notifier n = notifiers[i];
                server.respond(
                        Response.of(503, echoes[i]),
                        Response.of(500, echoes[i]),
                        Response.of(400, echoes[i]));
                DeliveryResult r = n.send(SampleNotifications.ordinary());
                assertThat(r.ok()).isFalse();
                assertThat(r.attempts()).isEqualTo(3);
                shown.append(n).append('\n').append(r).append('\n');
            }
            shown.append(new ChannelSpec("hook", "webhook", Map.of("secret", "env:HOOK")));
            String log = logs.text();
            assertThat(log).contains("retrying", "failed on channel");
            for (String s : new String[] {shown.toString(), log}) {
                assertThat(s)
                        .doesNotContain(HOOK_SECRET)
                        .doesNotContain(TG_TOKEN)
                        .doesNotContain("SLACKHOOKSECRET")
                        .doesNotContain("hunter2");
            }
            assertThat(log).contains("HTTP 503");
        }
    }
}
