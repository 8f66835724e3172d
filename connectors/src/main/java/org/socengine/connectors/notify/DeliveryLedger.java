package org.socengine.connectors.notify;

import java.io.IOException;
import java.io.Serializable;
import org.socengine.model.NotificationOutcome;

/**
 * A durable record of the notifications that were delivered, by idempotency key: written right
 * after a receiver accepted one, read when the dispatcher starts. It closes the gap that a
 * checkpoint cannot: a message sent after the last completed checkpoint is known to be sent after a
 * crash, so the restored job does not send it again. What remains is the instant between the
 * receiver's answer and the ledger's write; receivers that deduplicate on the {@code
 * Idempotency-Key} header (or the e-mail's Message-ID) close that too.
 *
 * <p>Serializable as a description (where the ledger lives); {@link #open()} connects where the
 * dispatcher runs.
 */
public interface DeliveryLedger extends Serializable {

    Session open() throws IOException;

    /** An open ledger. */
    interface Session extends AutoCloseable {

        /** The recorded delivery under this key, or null. */
        NotificationOutcome find(String idempotencyKey);

        /** Records a delivery; durable when this returns. */
        void record(NotificationOutcome delivered) throws IOException;

        @Override
        void close() throws IOException;
    }
}
