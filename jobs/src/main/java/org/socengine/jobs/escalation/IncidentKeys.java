package org.socengine.jobs.escalation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.model.Alert;

/**
 * Which incident an alert can join: its department and one entity. An alert may name several
 * entities (a brute force grouped by source address and user); the incident is about the first of
 * them in this order: {@code host.name}, {@code host.ip}, {@code user.name}, {@code source.ip},
 * {@code destination.ip}, then whatever the rule grouped by first. Hosts come first because a kill
 * chain is told by what happens on one machine; an address is the weakest identity (NAT, DHCP). An
 * alert without an entity joins the incident of its rule.
 */
public final class IncidentKeys {

    public static final List<String> PRECEDENCE =
            List.of("host.name", "host.ip", "user.name", "source.ip", "destination.ip");

    /** The department of alerts that no department was attributed to, as the alert index says. */
    public static final String UNATTRIBUTED = "unattributed";

    private IncidentKeys() {}

    /** The entity an incident is about: an ECS field and its value. */
    public record Entity(String kind, String value) {}

    /**
     * The department that owns the incident: the alert's own, or {@link Alert#PROVINCE} for a
     * province-scoped alert, whose incident lists every department involved instead.
     */
    public static String department(Alert a) {
        if (a.province) {
            return Alert.PROVINCE;
        }
        return a.departmentId == null || a.departmentId.isBlank() ? UNATTRIBUTED : a.departmentId;
    }

    public static Entity entity(Alert a) {
        Map<String, String> e = a.entity;
        if (e != null) {
            for (String kind : PRECEDENCE) {
                String v = e.get(kind);
                if (v != null && !v.isBlank()) {
                    return new Entity(kind, normalize(kind, v));
                }
            }
            for (Map.Entry<String, String> x : e.entrySet()) {
                if (x.getValue() != null && !x.getValue().isBlank()) {
                    return new Entity(x.getKey(), normalize(x.getKey(), x.getValue()));
                }
            }
        }
        return new Entity("rule.id", String.valueOf(a.ruleId));
    }

    /** Host and user names are compared without case (Windows and DNS treat them so). */
    static String normalize(String kind, String value) {
        String v = value.strip();
        return kind.endsWith(".name") ? v.toLowerCase(Locale.ROOT) : v;
    }

    /** The Flink key: department and entity; never shared between departments. */
    public static String keyOf(Alert a) {
        Entity e = entity(a);
        return department(a) + '\u0000' + e.kind() + '\u0000' + e.value();
    }
}
