package org.socengine.model;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message the escalation job asks a channel to deliver: what happened (the incident), where
 * (the department and entity), how bad (severity and risk), the top alerts and a link. It carries
 * its own idempotency key (incident, tier, channel and step) so that a receiver, and the job after
 * a restore, can tell a repeat from a new message.
 */
public class Notification implements Serializable {

    /** The incident was opened (first tier). */
    public static final String OPENED = "opened";

    /** The previous tier's acknowledgement deadline passed. */
    public static final String ESCALATED = "escalated";

    /** Still open after the re-notification interval. */
    public static final String REMINDER = "reminder";

    public String idempotencyKey;
    public String kind;
    public String incidentId;
    public String departmentId;
    public String departmentName;
    public String severity;
    public int risk;
    public String title;
    public Map<String, String> entity = new LinkedHashMap<>();
    public List<String> tactics = new ArrayList<>();
    public long alertCount;

    /** One line per alert, most severe first, at most a handful. */
    public List<String> topAlerts = new ArrayList<>();

    /** Console or Kibana URL of the incident, from configuration; may be null. */
    public String link;

    public int tier;
    public String tierName;

    /** The channel's name in the escalation policy. */
    public String channel;

    /**
     * The tier's channels after this one, in order: tried when this one still fails after its
     * retries, so that a tier reaches someone.
     */
    public List<String> fallbackChannels = new ArrayList<>();

    /** Event time of the step that caused this message (epoch ms). */
    public long at;

    public long incidentStart;

    public Notification() {}

    public static String idempotencyKey(String incidentId, int tier, String channel, int step) {
        return incidentId + ":" + tier + ":" + channel + ":" + step;
    }

    public String toJson() {
        try {
            return Json.mapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Notification fromJson(String json) throws IOException {
        return Json.mapper().readValue(json, Notification.class);
    }
}
