package org.socengine.connectors.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.socengine.model.SocTopics;

/**
 * The least Kafka access each of the engine's principals needs on a broker that enforces ACLs. The
 * secured local broker grants exactly these, so the tests that run the job, {@code ./soc rules
 * deploy} and a department's shipper against it prove they are enough; docs/deployment-security.md
 * lists them as {@code kafka-acls} commands.
 */
public final class KafkaAcls {

    /** Topics the detection job reads besides the raw ones. */
    public static final List<String> JOB_READS = List.of(SocTopics.RULES, SocTopics.ALERT_STATUS);

    /** Topics the detection job writes. */
    public static final List<String> JOB_WRITES =
            List.of(SocTopics.DLQ, SocTopics.ALERTS, SocTopics.RULES_STATUS);

    /**
     * Topics the escalation job reads: alerts, analysts' status changes, the policy, and its own
     * delivery ledger (read back when the dispatcher opens).
     */
    public static final List<String> ESCALATION_READS =
            List.of(
                    SocTopics.ALERTS,
                    SocTopics.ALERT_STATUS,
                    SocTopics.ESCALATION_POLICY,
                    SocTopics.NOTIFICATIONS_DELIVERED);

    /**
     * Topics the escalation job writes: incidents, delivery outcomes and the ledger, unreadable
     * alerts, policy verdicts, and the closes of a closed incident's alerts (as the acknowledgement
     * endpoint does).
     */
    public static final List<String> ESCALATION_WRITES =
            List.of(
                    SocTopics.INCIDENTS,
                    SocTopics.NOTIFICATION_OUTCOMES,
                    SocTopics.NOTIFICATIONS_DELIVERED,
                    SocTopics.DLQ,
                    SocTopics.ESCALATION_POLICY_STATUS,
                    SocTopics.ALERT_STATUS);

    /** Consumer groups of {@code ./soc rules deploy} start with this. */
    public static final String RULES_DEPLOY_GROUP_PREFIX = "soc-rules-deploy-";

    private KafkaAcls() {}

    /**
     * The detection job: reads every raw topic and the control topics, writes alerts, dead letters
     * and rule verdicts, and commits offsets in groups starting with {@code groupPrefix} (its
     * {@code --group}). It may not write rules or raw records.
     */
    public static List<AclBinding> detectionJob(String user, String groupPrefix) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(
                allow(
                        user,
                        ResourceType.TOPIC,
                        SocTopics.RAW_PREFIX,
                        PatternType.PREFIXED,
                        AclOperation.READ));
        acls.add(
                allow(
                        user,
                        ResourceType.TOPIC,
                        SocTopics.RAW_PREFIX,
                        PatternType.PREFIXED,
                        AclOperation.DESCRIBE));
        for (String t : JOB_READS) {
            acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ));
            acls.add(
                    allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String t : JOB_WRITES) {
            acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(
                    allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        acls.add(
                allow(
                        user,
                        ResourceType.GROUP,
                        groupPrefix,
                        PatternType.PREFIXED,
                        AclOperation.READ));
        return acls;
    }

    /**
     * The escalation job ({@code EscalationJobMain}): reads {@link #ESCALATION_READS}, writes
     * {@link #ESCALATION_WRITES}, commits offsets in groups starting with {@code groupPrefix} (its
     * {@code --group}); it may not write alerts, rules or raw records.
     */
    public static List<AclBinding> escalationJob(String user, String groupPrefix) {
        List<AclBinding> acls = new ArrayList<>();
        for (String t : ESCALATION_READS) {
            acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ));
            acls.add(
                    allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String t : ESCALATION_WRITES) {
            acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE));
            if (!ESCALATION_READS.contains(t)) {
                acls.add(
                        allow(
                                user,
                                ResourceType.TOPIC,
                                t,
                                PatternType.LITERAL,
                                AclOperation.DESCRIBE));
            }
        }
        acls.add(
                allow(
                        user,
                        ResourceType.GROUP,
                        groupPrefix,
                        PatternType.PREFIXED,
                        AclOperation.READ));
        return acls;
    }

    /**
     * A rule admin running {@code ./soc rules deploy}: writes {@code soc.rules}, reads the job's
     * verdicts on {@code soc.rules.status}.
     */
    public static List<AclBinding> ruleAdmin(String user) {
        return List.of(
                allow(
                        user,
                        ResourceType.TOPIC,
                        SocTopics.RULES,
                        PatternType.LITERAL,
                        AclOperation.WRITE),
                allow(
                        user,
                        ResourceType.TOPIC,
                        SocTopics.RULES,
                        PatternType.LITERAL,
                        AclOperation.DESCRIBE),
                allow(
                        user,
                        ResourceType.TOPIC,
                        SocTopics.RULES_STATUS,
                        PatternType.LITERAL,
                        AclOperation.READ),
                allow(
                        user,
                        ResourceType.TOPIC,
                        SocTopics.RULES_STATUS,
                        PatternType.LITERAL,
                        AclOperation.DESCRIBE),
                allow(
                        user,
                        ResourceType.GROUP,
                        RULES_DEPLOY_GROUP_PREFIX,
                        PatternType.PREFIXED,
                        AclOperation.READ));
    }

    /**
     * A department's log shipper: writes only its own raw topics, {@code soc.raw.<source>.<dept>}
     * for each source it sends.
     */
    public static List<AclBinding> department(
            String user, String department, List<String> sources) {
        List<AclBinding> acls = new ArrayList<>();
        for (String s : sources) {
            String topic = SocTopics.RAW_PREFIX + s + "." + department;
            acls.add(
                    allow(
                            user,
                            ResourceType.TOPIC,
                            topic,
                            PatternType.LITERAL,
                            AclOperation.WRITE));
            acls.add(
                    allow(
                            user,
                            ResourceType.TOPIC,
                            topic,
                            PatternType.LITERAL,
                            AclOperation.DESCRIBE));
        }
        return acls;
    }

    private static AclBinding allow(
            String user,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
