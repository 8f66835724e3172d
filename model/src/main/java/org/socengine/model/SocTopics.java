package org.socengine.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every Kafka topic of DESIGN.md, named in this one place: producers, consumers, ACLs, the local
 * broker and the documentation's samples all take their names from here, so that renaming a topic
 * is one edit and no component listens on a name another never writes.
 */
public final class SocTopics {

    /** Raw records: {@code soc.raw.<source>} (shared) or {@code soc.raw.<source>.<department>}. */
    public static final String RAW_PREFIX = "soc.raw.";

    /** Every raw topic, shared or a department's. */
    public static final Pattern RAW_PATTERN = Pattern.compile("soc\\.raw\\..+");

    /** Records that could not be decoded or attributed, with reason and origin. */
    public static final String DLQ = "soc.dlq";

    /** Rule files by rule id (compacted); a tombstone removes the rule. */
    public static final String RULES = "soc.rules";

    /** The running job's verdict on each rule it was given: deployed, refused, quarantined. */
    public static final String RULES_STATUS = "soc.rules.status";

    /** Indicators of compromise by indicator (compacted). */
    public static final String INTEL = "soc.intel";

    /** Every alert the detection job raises. */
    public static final String ALERTS = "soc.alerts";

    /** Analysts' acknowledgements and closes of alerts and incidents. */
    public static final String ALERT_STATUS = "soc.alert-status";

    /** Incidents of the escalation job. */
    public static final String INCIDENTS = "soc.incidents";

    /** What each notification channel tried did (key: idempotency key; JSON outcome). */
    public static final String NOTIFICATION_OUTCOMES = "soc.notifications";

    /**
     * The escalation job's delivery ledger (compacted, key: idempotency key): what was delivered,
     * read at start so that nothing is delivered twice.
     */
    public static final String NOTIFICATIONS_DELIVERED = "soc.notifications.delivered";

    /**
     * The escalation policy (YAML) the running escalation job should use (compacted, key {@code
     * policy}): the newest valid one wins, a bad one is refused and the running one kept.
     */
    public static final String ESCALATION_POLICY = "soc.escalation-policy";

    /** The escalation job's verdict on each policy it was given: accepted or refused, and why. */
    public static final String ESCALATION_POLICY_STATUS = "soc.escalation-policy.status";

    /** The sources that have a shared raw topic of their own. */
    public static final List<String> RAW_SOURCES =
            List.of("syslog", "suricata", "zeek", "netflow", "winlog", "web", "dns");

    private SocTopics() {}

    /** The shared raw topic of a source. */
    public static String raw(String source) {
        return RAW_PREFIX + source;
    }

    /** A department's own raw topic of a source, which only that department's principal writes. */
    public static String raw(String source, String department) {
        return RAW_PREFIX + source + "." + department;
    }

    public static boolean isRaw(String topic) {
        return topic != null
                && topic.startsWith(RAW_PREFIX)
                && topic.length() > RAW_PREFIX.length();
    }

    /**
     * The source a raw topic carries ({@code soc.raw.syslog} and {@code soc.raw.syslog.so-yt} are
     * syslog), or null for a topic that is not a raw one.
     */
    public static String sourceOf(String topic) {
        if (!isRaw(topic)) {
            return null;
        }
        // Asked of every record by the decode stage: one substring, not two.
        int start = RAW_PREFIX.length();
        int dot = topic.indexOf('.', start);
        return dot < 0 ? topic.substring(start) : topic.substring(start, dot);
    }

    /**
     * The department a raw topic names ({@code so-yt} of {@code soc.raw.syslog.so-yt}), or null for
     * a shared raw topic or any other topic.
     */
    public static String departmentOf(String topic) {
        String source = sourceOf(topic);
        if (source == null) {
            return null;
        }
        int after = RAW_PREFIX.length() + source.length();
        return topic.length() > after + 1 && topic.charAt(after) == '.'
                ? topic.substring(after + 1)
                : null;
    }

    /** Every standard topic, in DESIGN.md's order, each marked compacted or not. */
    public static Map<String, Boolean> standard() {
        Map<String, Boolean> topics = new LinkedHashMap<>();
        RAW_SOURCES.forEach(source -> topics.put(raw(source), false));
        topics.put(DLQ, false);
        topics.put(RULES, true);
        topics.put(RULES_STATUS, false);
        topics.put(INTEL, true);
        topics.put(ALERTS, false);
        topics.put(ALERT_STATUS, false);
        topics.put(INCIDENTS, false);
        topics.put(ESCALATION_POLICY, true);
        topics.put(ESCALATION_POLICY_STATUS, false);
        topics.put(NOTIFICATION_OUTCOMES, false);
        topics.put(NOTIFICATIONS_DELIVERED, true);
        return topics;
    }
}
