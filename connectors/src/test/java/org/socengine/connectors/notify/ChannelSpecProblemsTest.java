package org.socengine.connectors.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every channel type's settings checked with a clear message per problem, never a secret. */
class ChannelSpecProblemsTest {

    static ChannelSpec spec(String type, Map<String, String> s) {
        return new ChannelSpec("ch", type, s);
    }

    @Test
    void validChannelsOfEveryTypeHaveNoProblems() {
        assertThat(
                        spec(
                                        "webhook",
                                        Map.of(
                                                "url",
                                                "https://hooks.soc.example/in",
                                                "secret",
                                                "env:HOOK_SECRET"))
                                .problems())
                .isEmpty();
        assertThat(spec("slack", Map.of("url", "env:SLACK_HOOK")).problems()).isEmpty();
        assertThat(spec("mattermost", Map.of("url", "https://mm.example/hooks/x")).problems())
                .isEmpty();
        assertThat(
                        spec(
                                        "telegram",
                                        Map.of(
                                                "bot_token", "file:/run/secrets/tg",
                                                "chat_id", "-100123",
                                                "parse_mode", "MarkdownV2"))
                                .problems())
                .isEmpty();
        assertThat(
                        spec(
                                        "email",
                                        Map.of(
                                                "host", "smtp.example",
                                                "port", "587",
                                                "username", "soc",
                                                "password", "env:SMTP_PASSWORD",
                                                "from", "soc@example.org",
                                                "to", "a@example.org, b@example.org",
                                                "max_attempts", "3",
                                                "timeout_ms", "5000"))
                                .problems())
                .isEmpty();
    }

    @Test
    void eachProblemIsNamedWithTheChannelAndTheSetting() {
        assertThat(spec("pager", Map.of()).problems())
                .containsExactly(
                        "channel 'ch' (pager): unknown type; known: [email, mattermost, slack,"
                                + " telegram, webhook]");
        assertThat(spec("webhook", Map.of()).problems())
                .containsExactly(
                        "channel 'ch' (webhook): url is required (an http or https URL)",
                        "channel 'ch' (webhook): secret is required (env:NAME or file:PATH)");
        assertThat(
                        spec(
                                        "webhook",
                                        Map.of(
                                                "url", "file:///etc/passwd",
                                                "secret", "hunter2-literal",
                                                "retries", "3",
                                                "max_attempts", "0",
                                                "backoff_base_ms", "900",
                                                "backoff_cap_ms", "100"))
                                .problems())
                .containsExactlyInAnyOrder(
                        "channel 'ch' (webhook): unknown setting 'retries'; known: [backoff_base_ms,"
                                + " backoff_cap_ms, max_attempts, secret, timeout_ms, url]",
                        "channel 'ch' (webhook): max_attempts must be a whole number from 1 to 10: 0",
                        "channel 'ch' (webhook): backoff_cap_ms must not be below backoff_base_ms",
                        "channel 'ch' (webhook): url must be an http or https URL",
                        "channel 'ch' (webhook): secret must be a reference (env:NAME or file:PATH),"
                                + " not the secret itself: the policy is logged, published and"
                                + " checkpointed");
        assertThat(spec("webhook", Map.of("url", "ftp://x", "secret", "hunter2")).problems())
                .noneMatch(p -> p.contains("hunter2"));
        assertThat(
                        spec(
                                        "telegram",
                                        Map.of(
                                                "bot_token",
                                                "123:abc",
                                                "chat_id",
                                                "my chat",
                                                "parse_mode",
                                                "Markdown"))
                                .problems())
                .containsExactlyInAnyOrder(
                        "channel 'ch' (telegram): bot_token must be a reference (env:NAME or"
                                + " file:PATH), not the secret itself: the policy is logged,"
                                + " published and checkpointed",
                        "channel 'ch' (telegram): chat_id must be a number or @channelname",
                        "channel 'ch' (telegram): parse_mode must be HTML or MarkdownV2");
        assertThat(
                        spec(
                                        "email",
                                        Map.of(
                                                "port", "99999",
                                                "from", "not an address",
                                                "to", "ok@example.org, bad@@x",
                                                "password", "env:P"))
                                .problems())
                .containsExactlyInAnyOrder(
                        "channel 'ch' (email): host is required (the SMTP server)",
                        "channel 'ch' (email): port must be a whole number from 1 to 65535: 99999",
                        "channel 'ch' (email): from is not an e-mail address: not an address",
                        "channel 'ch' (email): to is not an e-mail address: bad@@x",
                        "channel 'ch' (email): password is set but username is not");
        assertThat(spec("slack", Map.of("url", "javascript:alert(1)")).problems())
                .containsExactly("channel 'ch' (slack): url must be an http or https URL");
    }

    @Test
    void theFactoryRefusesABadSpecWithAllItsProblemsAndAnUnresolvableSecretByItsReference() {
        assertThatThrownBy(() -> Notifiers.create(spec("webhook", Map.of()), ref -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("url is required")
                .hasMessageContaining("secret is required");
        assertThatThrownBy(
                        () ->
                                Notifiers.create(
                                        spec(
                                                "webhook",
                                                Map.of(
                                                        "url", "https://h.example/x",
                                                        "secret",
                                                                "env:SOC_TEST_UNSET_SECRET_4711")),
                                        SecretResolver.environmentAndFiles()))
                .hasMessage(
                        "channel 'ch' (webhook): secret reference env:SOC_TEST_UNSET_SECRET_4711 is"
                                + " not set in the environment");
        assertThatThrownBy(
                        () ->
                                Notifiers.create(
                                        spec(
                                                "telegram",
                                                Map.of(
                                                        "bot_token", "file:/nonexistent/tg-token",
                                                        "chat_id", "1")),
                                        SecretResolver.environmentAndFiles()))
                .hasMessage(
                        "channel 'ch' (telegram): secret reference file:/nonexistent/tg-token cannot"
                                + " be read (NoSuchFileException)");
    }
}
