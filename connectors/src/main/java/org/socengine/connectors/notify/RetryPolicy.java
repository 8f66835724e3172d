package org.socengine.connectors.notify;

import java.io.Serializable;
import java.time.Duration;

/**
 * How often and how patiently a channel retries: at most {@code maxAttempts} attempts, waiting a
 * random time between zero and {@code min(cap, base * 2^(n-1))} after the n-th failure ("full
 * jitter": retries of many jobs hitting one receiver spread out instead of arriving together). A
 * receiver's Retry-After is obeyed when it is within the cap; a longer one ends the retries, so
 * that the tier's next channel is tried instead of holding the dispatcher for minutes.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) implements Serializable {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= cap: " + base + ", " + cap);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /**
     * How long to wait after {@code failedAttempts} failures before the next attempt, or null when
     * there is no next attempt.
     *
     * @param retryAfter what the receiver asked for, or null
     * @param random a number in [0, 1)
     */
    public Duration delayAfter(int failedAttempts, Duration retryAfter, double random) {
        if (failedAttempts >= maxAttempts) {
            return null;
        }
        if (retryAfter != null) {
            return retryAfter.compareTo(cap) <= 0 ? retryAfter : null;
        }
        long ceiling = cap.toMillis();
        long exp = base.toMillis();
        for (int i = 1; i < failedAttempts && exp < ceiling; i++) {
            exp *= 2;
        }
        return Duration.ofMillis((long) (random * Math.min(ceiling, exp)));
    }
}
