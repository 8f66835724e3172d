package org.socengine.connectors.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.socengine.connectors.kafka.KafkaAcls;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.local.LocalKafka;

/**
 * The secured local broker as the engine's principals meet it: the launcher knows its users, the
 * connectors know what each may do ({@link KafkaAcls}) and how a client reaches it ({@link
 * KafkaSettings}). The broker grants exactly the engine's ACLs, so the tests that run the job,
 * {@code ./soc rules deploy} and a department's shipper against it prove they are enough.
 */
public final class SecuredLocalBroker {

    private SecuredLocalBroker() {}

    /** {@link LocalKafka#startSecured} with the engine's grants for the broker's users. */
    public static LocalKafka start(Path workDir) throws IOException {
        return LocalKafka.startSecured(workDir, grants());
    }

    /** The detection and escalation jobs', the rule admin's and the department shipper's ACLs. */
    public static List<AclBinding> grants() {
        List<AclBinding> acls = new ArrayList<>();
        acls.addAll(KafkaAcls.detectionJob(LocalKafka.JOB_USER, LocalKafka.JOB_GROUP_PREFIX));
        acls.addAll(
                KafkaAcls.escalationJob(
                        LocalKafka.ESCALATION_USER, LocalKafka.ESCALATION_GROUP_PREFIX));
        acls.addAll(KafkaAcls.ruleAdmin(LocalKafka.RULE_ADMIN_USER));
        acls.addAll(
                KafkaAcls.department(
                        LocalKafka.DEPARTMENT_USER,
                        LocalKafka.DEPARTMENT,
                        LocalKafka.STANDARD_SOURCES));
        return acls;
    }

    /**
     * Client settings for the broker: plain ones for the plain broker; for the secured one, TLS
     * trusting the test CA (PKCS12 trust store) and SCRAM-SHA-512 as the given user.
     */
    public static KafkaSettings clientSettings(LocalKafka kafka, String user) {
        if (!kafka.secured()) {
            return KafkaSettings.of(kafka.bootstrapServers());
        }
        return KafkaSettings.builder(kafka.bootstrapServers())
                .truststore(
                        kafka.certificateAuthority().truststore().toString(),
                        kafka.certificateAuthority().storePassword(),
                        "PKCS12")
                .saslScram(LocalKafka.SCRAM, user, kafka.password(user))
                .build();
    }
}
