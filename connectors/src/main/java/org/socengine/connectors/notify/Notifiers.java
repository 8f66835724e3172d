package org.socengine.connectors.notify;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Builds a {@link Notifier} from a {@link ChannelSpec}: checks the settings ({@link
 * ChannelSpec#problems()}), resolves the secrets, and wraps the channel in its retries. Common
 * settings of every type: {@code timeout_ms} (connect and answer, default 10,000), {@code
 * max_attempts} (default 4), {@code backoff_base_ms} (500) and {@code backoff_cap_ms} (30,000).
 */
public final class Notifiers {

    private Notifiers() {}

    /** What a test replaces: the waits between retries, the clock and the jitter. */
    public record Runtime(Sleeper sleeper, Clock clock, DoubleSupplier random) {

        public static Runtime real() {
            return new Runtime(
                    Sleeper.real(),
                    Clock.systemUTC(),
                    () -> ThreadLocalRandom.current().nextDouble());
        }
    }

    public static Notifier create(ChannelSpec spec, SecretResolver secrets) {
        return create(spec, secrets, Runtime.real());
    }

    /**
     * @throws IllegalArgumentException listing every problem of the spec, or naming a secret
     *     reference that does not resolve
     */
    public static Notifier create(ChannelSpec spec, SecretResolver secrets, Runtime runtime) {
        var problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        var s = spec.settings();
        Duration timeout =
                Duration.ofMillis(
                        ChannelChecks.number(
                                s, ChannelChecks.TIMEOUT_MS, ChannelChecks.DEFAULT_TIMEOUT_MS));
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy policy =
                new RetryPolicy(
                        (int)
                                ChannelChecks.number(
                                        s, ChannelChecks.MAX_ATTEMPTS, defaults.maxAttempts()),
                        Duration.ofMillis(
                                ChannelChecks.number(
                                        s,
                                        ChannelChecks.BACKOFF_BASE_MS,
                                        defaults.base().toMillis())),
                        Duration.ofMillis(
                                ChannelChecks.number(
                                        s,
                                        ChannelChecks.BACKOFF_CAP_MS,
                                        defaults.cap().toMillis())));
        String where = "channel '" + spec.name() + "' (" + spec.type() + "): ";
        Scrubber scrubber = new Scrubber();
        Channel channel;
        try {
            switch (spec.type()) {
                case ChannelChecks.WEBHOOK -> {
                    String secret = secrets.resolve(s.get("secret"));
                    scrubber.add(secret);
                    URI uri = HttpSender.httpUri(s.get("url"), "url");
                    channel =
                            new WebhookChannel(
                                    uri,
                                    secret,
                                    new HttpSender(timeout, scrubber, runtime.clock()),
                                    runtime.clock());
                }
                case ChannelChecks.SLACK, ChannelChecks.MATTERMOST -> {
                    String url = s.get("url");
                    if (SecretResolver.isReference(url)) {
                        url = secrets.resolve(url);
                    }
                    scrubber.add(url);
                    URI uri = HttpSender.httpUri(url, "url");
                    scrubber.add(uri.getRawPath());
                    channel =
                            new ChatChannel(
                                    spec.type().equals(ChannelChecks.SLACK),
                                    uri,
                                    new HttpSender(timeout, scrubber, runtime.clock()));
                }
                case ChannelChecks.TELEGRAM -> {
                    String token = secrets.resolve(s.get("bot_token"));
                    scrubber.add(token);
                    String base = s.getOrDefault("api_base", "https://api.telegram.org");
                    HttpSender.httpUri(base, "api_base");
                    URI uri = TelegramChannel.endpoint(base, token);
                    channel =
                            new TelegramChannel(
                                    uri,
                                    s.get("chat_id"),
                                    s.getOrDefault("parse_mode", "HTML"),
                                    new HttpSender(timeout, scrubber, runtime.clock()));
                }
                case ChannelChecks.EMAIL -> {
                    String user = s.get("username");
                    String password = null;
                    if (user != null && !user.isBlank()) {
                        password = secrets.resolve(s.get("password"));
                        scrubber.add(password);
                    } else {
                        user = null;
                    }
                    channel =
                            new EmailChannel(
                                    s.get("host"),
                                    (int) ChannelChecks.number(s, "port", 587),
                                    user,
                                    password,
                                    s.get("from"),
                                    ChannelChecks.recipients(s.get("to")),
                                    s.containsKey("ca_file")
                                            ? EmailChannel.trusting(
                                                    java.nio.file.Path.of(s.get("ca_file")))
                                            : null,
                                    timeout,
                                    runtime.clock(),
                                    scrubber);
                }
                default -> throw new IllegalArgumentException("unknown type");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + scrubber.scrub(e.getMessage()));
        }
        return new RetryingNotifier(
                spec.name(), spec.type(), channel, policy, runtime.sleeper(), runtime.random());
    }
}
