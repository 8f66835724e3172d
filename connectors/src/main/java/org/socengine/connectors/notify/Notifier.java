package org.socengine.connectors.notify;

import org.socengine.model.Notification;

/**
 * Delivers notifications on one channel: each {@link #send} tries until delivered, until a
 * permanent failure, or until its retries run out, and says which in the result. Never throws for a
 * failed delivery and never puts a secret into a result, a log line or {@link #toString}.
 */
public interface Notifier extends AutoCloseable {

    /** The channel's name in the escalation policy. */
    String name();

    /**
     * Sends one notification under the given idempotency key (sent to the receiver as {@code
     * Idempotency-Key} or its channel's equivalent; usually {@link Notification#idempotencyKey}).
     */
    DeliveryResult send(Notification notification, String idempotencyKey);

    default DeliveryResult send(Notification notification) {
        return send(notification, notification.idempotencyKey);
    }

    @Override
    default void close() {}
}
