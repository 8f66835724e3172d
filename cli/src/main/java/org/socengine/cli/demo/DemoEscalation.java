package org.socengine.cli.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.IncidentIndices;
import org.socengine.connectors.elasticsearch.IncidentSearch;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.notify.KafkaDeliveryLedger;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.jobs.escalation.EscalationJob;
import org.socengine.jobs.escalation.EscalationJobMain;
import org.socengine.jobs.escalation.EscalationJobOptions;
import org.socengine.jobs.escalation.EscalationPolicy;
import org.socengine.jobs.escalation.NotificationDispatcher;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.model.SocTopics;

/**
 * The escalation half of {@code ./soc demo}: a local webhook receiver that checks signatures, a
 * demo escalation policy whose channels point at it (one of them down, so its tier's next channel
 * is tried), the {@code EscalationJob} wired as {@link EscalationJobMain} wires it (Kafka, the
 * incident index, the delivery ledger), and, for the summary, the incidents in Elasticsearch and
 * the notifications the receiver accepted.
 *
 * <p>Time: the alerts' own, with little disorder allowed (the demo's detection job writes them as
 * they happen) and the wall clock taking over after 5 s without an alert, so an unacknowledged
 * incident climbs a tier within the demo's minutes and the last alerts are grouped before it ends.
 */
public final class DemoEscalation implements AutoCloseable {

    /** How long a demo tier has to acknowledge before the next one is told. */
    static final String ACK_WITHIN = "30s";

    static final String DOWN_PATH = "/hooks/soc-pager";

    private final DemoWebhookReceiver receiver;
    private final ElasticsearchClient client;
    private final JobClient job;
    private final PrintStream err;
    private final Map<String, ObjectNode> incidents = new LinkedHashMap<>();
    private boolean cancelled;

    private DemoEscalation(
            DemoWebhookReceiver receiver,
            ElasticsearchClient client,
            JobClient job,
            PrintStream err) {
        this.receiver = receiver;
        this.client = client;
        this.job = job;
        this.err = err;
    }

    /** Starts the receiver and the escalation job beside the detection job. */
    public static DemoEscalation start(
            Path workDir,
            KafkaSettings kafka,
            ElasticsearchSettings es,
            DepartmentDirectory departments,
            int parallelism,
            PrintStream err)
            throws Exception {
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        Path secretFile = workDir.resolve("demo-webhook-secret");
        Files.writeString(secretFile, secret);
        DemoWebhookReceiver receiver = DemoWebhookReceiver.start(secret, Set.of(DOWN_PATH));
        ElasticsearchClient client = null;
        try {
            EscalationPolicy policy =
                    EscalationPolicy.parse(
                            "demo-escalation-policy.yml", policy(receiver, secretFile));
            Map<String, String> names = new LinkedHashMap<>();
            for (Department d : departments.all()) {
                names.put(d.id(), d.name());
            }
            EscalationJobOptions options =
                    EscalationJobOptions.defaults()
                            .withParallelism(parallelism)
                            .withAlertDisorder(Duration.ofSeconds(3))
                            .withQuietAdvance(Duration.ofSeconds(5))
                            .withDepartmentNames(names);
            // Short checkpoints: a notification goes out once the checkpoint holding it completes.
            StreamExecutionEnvironment env =
                    FlinkEnvironments.local(
                            parallelism,
                            workDir.resolve("checkpoints-escalation"),
                            Duration.ofSeconds(3));
            EscalationJobMain.kafka(
                    env,
                    kafka,
                    es,
                    "soc-escalation-demo",
                    OffsetsInitializer.earliest(),
                    policy,
                    EscalationJob.Dispatch.through(
                            new NotificationDispatcher(
                                    policy.channels(),
                                    SecretResolver.environmentAndFiles(),
                                    KafkaDeliveryLedger.of(kafka))),
                    options);
            JobClient job = env.executeAsync("soc-escalation");
            client = ElasticsearchClients.create(es);
            err.printf(
                    "soc demo: escalation job running; webhook receiver at %s (signatures checked)%n",
                    receiver.url("/hooks/"));
            return new DemoEscalation(receiver, client, job, err);
        } catch (Exception e) {
            receiver.close();
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }

    /**
     * The demo policy: every department's high and critical incidents page its on-call at once, the
     * provincial SOC after {@value #ACK_WITHIN} (its pager is down in the demo: the SOC's webhook,
     * the tier's next channel, is tried), the CISO after another; medium ones go to the SOC's
     * webhook. No quiet hours, whatever the hour of the demo.
     */
    static String policy(DemoWebhookReceiver receiver, Path secretFile) {
        String settings =
                "{url: \"%s\", secret: \"file:"
                        + secretFile
                        + "\", max_attempts: \"2\", backoff_base_ms: \"200\","
                        + " backoff_cap_ms: \"500\", timeout_ms: \"3000\"}";
        StringBuilder y = new StringBuilder();
        y.append("version: 1\n");
        y.append("grouping: {window: 30m, expire_after: 1d}\n");
        y.append(
                "risk: {rule_cap: 80, tactic_bonus: 15, bands: {medium: 40, high: 70, critical: 150}}\n");
        y.append("channels:\n");
        for (String name : List.of("dept-oncall", "soc-pager", "soc-webhook", "ciso")) {
            y.append("  - {name: ")
                    .append(name)
                    .append(", type: webhook, settings: ")
                    .append(String.format(settings, receiver.url("/hooks/" + name)))
                    .append("}\n");
        }
        String escalating =
                "      - {name: department on-call, channels: [dept-oncall], ack_within: "
                        + ACK_WITHIN
                        + "}\n"
                        + "      - {name: provincial SOC, channels: [soc-pager, soc-webhook],"
                        + " ack_within: "
                        + ACK_WITHIN
                        + "}\n"
                        + "      - {name: CISO, channels: [ciso]}\n";
        y.append("defaults:\n");
        y.append("  time_zone: Asia/Ho_Chi_Minh\n");
        y.append("  tiers:\n");
        y.append("    critical:\n").append(escalating);
        y.append("    high:\n").append(escalating);
        y.append("    medium:\n");
        y.append("      - {name: provincial SOC, channels: [soc-webhook]}\n");
        return y.toString();
    }

    /** Reads the incidents as they are now (called as the demo polls, and once at its end). */
    public void poll(boolean refresh) {
        try {
            IncidentSearch search = new IncidentSearch(client);
            if (refresh) {
                search.refresh();
            }
            for (ObjectNode doc : search.find(new IncidentSearch.Filter(null, null, null, 200))) {
                incidents.put(doc.path("incident").path("id").asText(), doc);
            }
        } catch (IOException | RuntimeException e) {
            // While the job creates its first indices, searches may fail for a moment: only the
            // last read is worth a word.
            if (refresh) {
                String why = String.valueOf(e.getMessage());
                err.println(
                        "soc demo: cannot read incidents: " + why.lines().findFirst().orElse(why));
            }
        }
    }

    /** Stops the job (the receiver stays until {@link #close}, for what is still in flight). */
    public synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        try {
            job.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            err.println("soc demo: escalation job did not cancel cleanly: " + e.getMessage());
        }
    }

    /** The incidents and the notifications received, for the demo's summary. */
    public void summary(PrintStream out) {
        List<ObjectNode> list = new ArrayList<>(incidents.values());
        out.printf("  incidents:              %d%n", list.size());
        if (!list.isEmpty()) {
            out.printf(
                    "    %-28s  %-18s  %-8s  %4s  %6s  %s%n",
                    "ID", "DEPARTMENT", "SEVERITY", "RISK", "ALERTS", "TIER REACHED");
        }
        for (ObjectNode doc : list) {
            JsonNode i = doc.path("incident");
            out.printf(
                    "    %-28s  %-18s  %-8s  %4d  %6d  %s%n",
                    i.path("id").asText(),
                    doc.path("organization").path("id").asText("-"),
                    i.path("severity").asText(),
                    i.path("risk").asInt(),
                    i.path("alert_count").asLong(),
                    i.path("tier_name").asText("-"));
        }
        List<DemoWebhookReceiver.Received> got = receiver.received();
        out.printf(
                "  notifications received: %d by the webhook receiver (signatures checked; %d refused"
                        + " by the down channel soc-pager, %d bad signatures)%n",
                got.size(), receiver.refused(), receiver.badSignatures());
        if (!got.isEmpty()) {
            out.printf(
                    "    %-4s  %-20s  %-12s  %-28s  %s%n",
                    "TIER", "TIER NAME", "CHANNEL", "INCIDENT", "KIND");
        }
        for (DemoWebhookReceiver.Received r : got) {
            out.printf(
                    "    %-4d  %-20s  %-12s  %-28s  %s%n",
                    r.tier(), r.tierName(), r.channel(), r.incidentId(), r.kind());
        }
        int failed = 0;
        for (ObjectNode doc : list) {
            for (JsonNode n : doc.path("incident").path("notifications")) {
                if (n.has("ok") && !n.path("ok").asBoolean()) {
                    failed++;
                }
            }
        }
        if (failed > 0) {
            out.printf(
                    "  failed deliveries:      %d, recorded on their incidents (the tier's next channel"
                            + " was tried)%n",
                    failed);
        }
        out.printf(
                "  incidents in:           index alias %s (indices %s-<department>-<yyyy.MM>), Kafka topic %s;"
                        + " outcomes on %s%n",
                IncidentIndices.ALIAS,
                IncidentIndices.ALIAS,
                SocTopics.INCIDENTS,
                SocTopics.NOTIFICATION_OUTCOMES);
    }

    @Override
    public void close() {
        receiver.close();
        try {
            client.close();
        } catch (IOException e) {
            // Closing: nothing left to do with it.
        }
    }
}
