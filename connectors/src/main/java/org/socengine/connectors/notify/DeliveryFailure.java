package org.socengine.connectors.notify;

import java.time.Duration;

/**
 * One attempt that did not deliver: whether trying again may help (a connection error, a timeout, a
 * 5xx, a 429), how long the receiver asked us to wait, and the status it answered. The message is
 * scrubbed of secrets before this is built.
 */
public final class DeliveryFailure extends Exception {

    private final boolean retryable;
    private final int statusCode;
    private final Duration retryAfter;

    public DeliveryFailure(String message, boolean retryable, int statusCode, Duration retryAfter) {
        // No cause: a cause's message or stack may carry a URL with a token in it.
        super(message, null, false, false);
        this.retryable = retryable;
        this.statusCode = statusCode;
        this.retryAfter = retryAfter;
    }

    public static DeliveryFailure permanent(String message, int statusCode) {
        return new DeliveryFailure(message, false, statusCode, null);
    }

    public static DeliveryFailure transientFailure(String message, int statusCode) {
        return new DeliveryFailure(message, true, statusCode, null);
    }

    public boolean retryable() {
        return retryable;
    }

    public int statusCode() {
        return statusCode;
    }

    /** What the receiver asked for (Retry-After), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
