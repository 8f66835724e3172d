package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.socengine.model.Incident;
import org.socengine.model.IncidentJson;
import org.socengine.model.NotificationOutcome;

/**
 * Outcomes of deliveries written on the incident: per tier and channel, sent or failed, attempts,
 * time, the last error without its secret; every later revision keeps them, and the document
 * version grows with each.
 */
class NotificationOutcomeRecorderTest {

    static KeyedTwoInputStreamOperatorTestHarness<String, Incident, NotificationOutcome, Incident>
            harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new NotificationOutcomeRecorder(), i -> i.id, o -> o.incidentId, Types.STRING);
    }

    static Incident incident(long revision, String... channels) {
        Incident i = new Incident();
        i.id = "inc-1";
        i.departmentId = "so-yt";
        i.severity = "high";
        i.revision = revision;
        for (String c : channels) {
            Incident.Sent s = Incident.Sent.of(0, c, "opened", 1_000);
            s.key = "inc-1:0:" + c + ":0";
            i.notifications.add(s);
        }
        return i;
    }

    static NotificationOutcome outcome(String channel, boolean ok, int attempts, String error) {
        NotificationOutcome o = new NotificationOutcome();
        o.idempotencyKey = "inc-1:0:" + channel + ":0";
        o.incidentId = "inc-1";
        o.tier = 0;
        o.channel = channel;
        o.ok = ok;
        o.attempts = attempts;
        o.error = error;
        o.at = 5_000;
        return o;
    }

    @Test
    void aFailedChannelAndItsFallbackAreRecordedAndKeptByLaterRevisions() throws Exception {
        try (var h = harness()) {
            h.processElement1(incident(1, "webhook", "mail"), 0);
            h.processElement2(
                    outcome("webhook", false, 4, "HTTP 503 from https://u:hunter2@hooks.example/x"),
                    0);
            h.processElement2(outcome("mail", true, 1, null), 0);
            // The same outcome again (a restore): no new version.
            h.processElement2(outcome("mail", true, 1, null), 0);
            h.processElement1(incident(2, "webhook", "mail"), 0);

            List<Incident> out = h.extractOutputValues();
            assertThat(out).hasSize(4);
            assertThat(out)
                    .extracting(Incident::documentVersion)
                    .containsExactly(1024L, 1025L, 1026L, 2048L)
                    .isSorted();
            Incident last = out.get(3);
            Incident.Sent webhook = last.notifications.get(0);
            assertThat(webhook.ok).isFalse();
            assertThat(webhook.attempts).isEqualTo(4);
            assertThat(webhook.outcomeAt).isEqualTo(5_000);
            assertThat(webhook.error).contains("HTTP 503").doesNotContain("hunter2");
            Incident.Sent mail = last.notifications.get(1);
            assertThat(mail.ok).isTrue();
            assertThat(mail.error).isNull();
            // And in the document the index and soc.incidents get.
            String json = IncidentJson.toJson(last);
            assertThat(json)
                    .contains("\"outcome\":\"failed\"", "\"outcome\":\"sent\"", "\"attempts\":4");
            Incident back = IncidentJson.fromJson(json);
            assertThat(back.notifications.get(0).attempts).isEqualTo(4);
            assertThat(back.notifications.get(1).ok).isTrue();
        }
    }

    @Test
    void aDeliveryStaysDeliveredAndIncidentsWithoutNotificationsAreNotKept() throws Exception {
        try (var h = harness()) {
            Incident quiet = incident(1);
            h.processElement1(quiet, 0);
            assertThat(h.numKeyedStateEntries()).isZero();
            h.processElement1(incident(2, "webhook"), 0);
            h.processElement2(outcome("webhook", true, 2, null), 0);
            h.processElement2(outcome("webhook", false, 1, "late failure of a retry"), 0);
            List<Incident> out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            assertThat(out.get(2).notifications.get(0).ok).isTrue();
        }
    }
}
