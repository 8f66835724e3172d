package org.socengine.connectors.notify;

import org.socengine.model.Notification;

/**
 * One attempt at delivering a notification on one kind of channel. {@link RetryingNotifier} turns a
 * channel into a {@link Notifier} with retries.
 */
interface Channel extends AutoCloseable {

    /**
     * Tries once.
     *
     * @return the status code the receiver answered with (HTTP status, SMTP reply code)
     */
    int deliver(Notification notification, String idempotencyKey) throws DeliveryFailure;

    @Override
    default void close() {}
}
