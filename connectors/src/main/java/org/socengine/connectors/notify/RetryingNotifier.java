package org.socengine.connectors.notify;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.Notification;

/**
 * A {@link Channel} with retries: connection errors, timeouts, 5xx and 429 are tried again after a
 * backoff with full jitter (or the receiver's Retry-After), other 4xx and refused mail are not. The
 * log says which channel, which key, which attempt and the status, never a URL or a secret.
 */
public final class RetryingNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingNotifier.class);

    private final String name;
    private final String type;
    private final Channel channel;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    RetryingNotifier(
            String name,
            String type,
            Channel channel,
            RetryPolicy policy,
            Sleeper sleeper,
            DoubleSupplier random) {
        this.name = name;
        this.type = type;
        this.channel = channel;
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
    }

    @Override
    public String name() {
        return name;
    }

    public RetryPolicy policy() {
        return policy;
    }

    @Override
    public DeliveryResult send(Notification notification, String idempotencyKey) {
        int attempt = 0;
        while (true) {
            attempt++;
            DeliveryFailure failure;
            try {
                int status = channel.deliver(notification, idempotencyKey);
                if (attempt > 1) {
                    LOG.info(
                            "notification {} delivered on channel {} at attempt {}",
                            idempotencyKey,
                            name,
                            attempt);
                }
                return DeliveryResult.delivered(attempt, status);
            } catch (DeliveryFailure f) {
                failure = f;
            } catch (RuntimeException e) {
                // A bug or a library's surprise must not take the job down; its message may hold
                // anything, so only its type is kept.
                failure =
                        DeliveryFailure.permanent(
                                "unexpected " + e.getClass().getSimpleName() + " in " + type, 0);
            }
            Duration wait =
                    failure.retryable()
                            ? policy.delayAfter(attempt, failure.retryAfter(), random.getAsDouble())
                            : null;
            if (wait == null) {
                String why =
                        !failure.retryable()
                                ? "not retryable"
                                : attempt >= policy.maxAttempts()
                                        ? "no attempts left"
                                        : "Retry-After "
                                                + failure.retryAfter().toSeconds()
                                                + " s is over the cap of "
                                                + policy.cap().toSeconds()
                                                + " s";
                LOG.warn(
                        "notification {} failed on channel {} after {} attempt(s) ({}): {}",
                        idempotencyKey,
                        name,
                        attempt,
                        why,
                        failure.getMessage());
                return DeliveryResult.failed(
                        attempt, failure.statusCode(), failure.getMessage() + " (" + why + ")");
            }
            LOG.info(
                    "notification {} on channel {}: attempt {} of {} failed ({}), retrying in {} ms",
                    idempotencyKey,
                    name,
                    attempt,
                    policy.maxAttempts(),
                    failure.getMessage(),
                    wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return DeliveryResult.failed(
                        attempt, failure.statusCode(), failure.getMessage() + " (interrupted)");
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (Exception e) {
            LOG.debug("closing channel {}: {}", name, e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "Notifier{" + name + ", " + type + ", " + policy + "}";
    }
}
