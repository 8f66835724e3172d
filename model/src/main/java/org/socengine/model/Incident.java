package org.socengine.model;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Related alerts about one entity (a host, a user or an address) of one department within a window:
 * what the escalation job notifies people about. Serialized by {@link IncidentJson} into the
 * ECS-shaped document of the incident index and of {@code soc.incidents}.
 */
public class Incident implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String OPEN = AlertStatusChange.OPEN;
    public static final String ACKNOWLEDGED = AlertStatusChange.ACKNOWLEDGED;
    public static final String CLOSED = AlertStatusChange.CLOSED;

    /** Deterministic: see {@link #idOf}. */
    public String id;

    /** The department, or {@link Alert#PROVINCE} for an incident of province-scoped alerts. */
    public String departmentId;

    public String departmentName;

    /** Every department whose alerts the incident holds (more than one only for the province). */
    public List<String> departments = new ArrayList<>();

    /** The entity field the incident is about ({@code host.name}) and its value. */
    public String entityKind;

    public String entityValue;

    /** The event time of the first alert: the incident takes alerts until windowEnd. */
    public long windowStart;

    public long windowEnd;

    public String severity;
    public int risk;
    public String status = OPEN;
    public String disposition;

    /** Who acknowledged or closed it, when, and what they wrote. */
    public String statusBy;

    public long statusAt;
    public String statusComment;

    /** Event time of the first and the latest alert. */
    public long firstSeen;

    public long lastSeen;

    /** The alerts, in the order they joined, at most {@link #MAX_ALERTS}. */
    public List<Member> alerts = new ArrayList<>();

    /** Every alert counted, also those past {@link #MAX_ALERTS}. */
    public long alertCount;

    /** Rule ids, in the order they first appeared. */
    public List<String> rules = new ArrayList<>();

    /** ATT&CK tactic tag names ({@code credential_access}), in the order they first appeared. */
    public List<String> tactics = new ArrayList<>();

    /** Risk counted per rule, before the cap. */
    public Map<String, Integer> ruleRisk = new LinkedHashMap<>();

    /** The highest escalation tier notified so far (-1: none yet). */
    public int tierReached = -1;

    public String tierName;

    public List<Sent> notifications = new ArrayList<>();

    /**
     * Grows with every change, so that a writer keeping the newest version (Elasticsearch external
     * versioning) never lets a replayed older state overwrite a newer one.
     */
    public long revision;

    /**
     * Delivery outcomes written on this revision since the correlator emitted it: each makes a
     * newer document of the same revision ({@link #documentVersion}).
     */
    public int outcomeUpdates;

    /** Outcome updates one revision can carry; beyond them, the next revision carries them. */
    public static final int OUTCOME_UPDATES_PER_REVISION = 1024;

    /** Alerts kept on an incident; beyond it alerts are still counted and scored, not listed. */
    public static final int MAX_ALERTS = 500;

    /** Notification records kept on an incident; older ones are dropped first. */
    public static final int MAX_NOTIFICATIONS = 200;

    public Incident() {}

    /** One alert of the incident, as much of it as the incident needs. */
    public static class Member implements Serializable {
        private static final long serialVersionUID = 1L;

        public String id;
        public String ruleId;
        public String ruleName;
        public String severity;
        public int riskScore;
        public long timestamp;
        public String status = OPEN;

        public Member() {}

        public static Member of(Alert a) {
            Member m = new Member();
            m.id = a.id;
            m.ruleId = a.ruleId;
            m.ruleName = a.ruleName;
            m.severity = a.severity;
            m.riskScore = a.riskScore;
            m.timestamp = a.timestamp;
            m.status = a.status == null ? OPEN : a.status;
            return m;
        }
    }

    /** One notification the incident asked for: which tier and channel, when, and the outcome. */
    public static class Sent implements Serializable {
        private static final long serialVersionUID = 1L;

        public int tier;
        public String channel;
        public String kind;
        public long at;

        /** The idempotency key the channel was sent (the receiver sees it as a header). */
        public String key;

        /** Null while the outcome is not known to the job (the dispatcher delivers). */
        public Boolean ok;

        /** Attempts the channel took, retries included (0 until the outcome is known). */
        public int attempts;

        /** When the delivery finished or gave up (processing time, epoch ms); 0 until then. */
        public long outcomeAt;

        /** The last error of a failed delivery; never holds a secret. */
        public String error;

        /** For a fallback delivery: the key of the notification whose channel failed. */
        public String fallbackFor;

        public Sent() {}

        public static Sent of(int tier, String channel, String kind, long at) {
            Sent s = new Sent();
            s.tier = tier;
            s.channel = channel;
            s.kind = kind;
            s.at = at;
            return s;
        }
    }

    /**
     * The incident id: a hash of department, entity kind and value and window start, so that a
     * replay of the same alerts makes the same incident and the index holds one document.
     */
    public static String idOf(
            String department, String entityKind, String entityValue, long windowStart) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String material =
                    "incident\n"
                            + department
                            + '\n'
                            + entityKind
                            + '\n'
                            + entityValue
                            + '\n'
                            + windowStart;
            byte[] digest = sha.digest(material.getBytes(StandardCharsets.UTF_8));
            return "inc-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The version of the incident's document (Elasticsearch external versioning): the revision, and
     * within it the delivery outcomes recorded since, so that neither a replayed older revision nor
     * an outcome-less copy of the same revision overwrites what is known.
     */
    public long documentVersion() {
        return revision * OUTCOME_UPDATES_PER_REVISION
                + Math.min(outcomeUpdates, OUTCOME_UPDATES_PER_REVISION - 1);
    }

    public Member member(String alertId) {
        for (Member m : alerts) {
            if (m.id.equals(alertId)) {
                return m;
            }
        }
        return null;
    }

    public List<String> alertIds() {
        List<String> ids = new ArrayList<>(alerts.size());
        alerts.forEach(m -> ids.add(m.id));
        return ids;
    }

    public boolean isOpen() {
        return OPEN.equals(status);
    }

    public boolean isClosed() {
        return CLOSED.equals(status);
    }

    /** {@code host.name=web-01}. */
    public String entityText() {
        return entityKind + "=" + entityValue;
    }

    /** A deep copy, so that what is emitted never changes with the state it came from. */
    public Incident copy() {
        return IncidentJson.copy(this);
    }
}
