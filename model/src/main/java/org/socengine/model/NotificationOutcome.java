package org.socengine.model;

import java.io.IOException;
import java.io.Serializable;

/**
 * What became of one delivery of a {@link Notification} on one channel: sent, or failed after its
 * retries (with the error). A notification whose channel failed has one outcome for that channel
 * and one for each fallback channel tried, so that the incident records who was told and who could
 * not be reached. The idempotency key is the one sent to the receiver on that channel.
 */
public class NotificationOutcome implements Serializable {

    public String idempotencyKey;
    public String incidentId;
    public int tier;
    public String channel;
    public boolean ok;
    public int attempts;

    /** The last error when {@link #ok} is false; never holds a secret. */
    public String error;

    /** HTTP status (or SMTP reply code) of the last attempt; 0 when none came back. */
    public int statusCode;

    /** The key of the notification whose channel failed, when this is a fallback delivery. */
    public String fallbackFor;

    /** When the delivery finished (processing time, epoch ms). */
    public long at;

    public NotificationOutcome() {}

    public String toJson() {
        try {
            return Json.mapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static NotificationOutcome fromJson(String json) throws IOException {
        return Json.mapper().readValue(json, NotificationOutcome.class);
    }

    @Override
    public String toString() {
        return "NotificationOutcome{"
                + idempotencyKey
                + ", "
                + channel
                + (ok ? ", ok" : ", failed: " + error)
                + ", attempts="
                + attempts
                + "}";
    }
}
