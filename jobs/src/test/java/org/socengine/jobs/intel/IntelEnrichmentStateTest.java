package org.socengine.jobs.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorKind;
import org.socengine.jobs.detection.Routed;
import org.socengine.model.SecurityEvent;

/**
 * The one-input enrichment of the running job: indicator updates that reach it in the stream of
 * events change what it matches and go no further, a refused update becomes one dead letter, its
 * indicators survive a restore, and the broadcast state of the two-input enrichment of earlier
 * versions restores into it.
 */
class IntelEnrichmentStateTest {

    private static final String LISTED = "203.0.113.7";

    private static Indicator listed() {
        return Indicator.of(IndicatorKind.IP, LISTED, "provincial-feed", 90);
    }

    private static Routed eventFrom(String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_700_000_000_000L;
        e.source = new SecurityEvent.Endpoint();
        e.source.ip = ip;
        return Routed.unrouted(e);
    }

    private static OneInputStreamOperatorTestHarness<Routed, Routed> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(
                        new IntelEnrichment<Routed>(List.of(), r -> r.event, r -> r.intel)));
    }

    /** What left the step: events (with their marks) and nothing else. */
    private static List<SecurityEvent> passed(OneInputStreamOperatorTestHarness<Routed, Routed> h) {
        List<SecurityEvent> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                Routed routed = (Routed) r.getValue();
                assertThat(routed.intel).as("an update leaves the stream here").isNull();
                out.add(routed.event);
            }
        }
        h.getOutput().clear();
        return out;
    }

    private static boolean marked(SecurityEvent e) {
        return e.threat != null && e.threat.indicator != null;
    }

    @Test
    void updatesInTheStreamChangeWhatMatchesAndGoNoFurther() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(eventFrom(LISTED), 1);
            h.processElement(Routed.intel(IntelUpdate.put(listed())), 2);
            h.processElement(eventFrom(LISTED), 3);
            h.processElement(eventFrom("198.51.100.1"), 4);
            h.processElement(Routed.intel(IntelUpdate.delete(listed().key())), 5);
            h.processElement(eventFrom(LISTED), 6);

            List<SecurityEvent> out = passed(h);
            assertThat(out).hasSize(4);
            assertThat(out)
                    .extracting(IntelEnrichmentStateTest::marked)
                    .containsExactly(false, true, false, false);
        }
    }

    @Test
    void aRefusedUpdateIsOneDeadLetter() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(
                    Routed.intel(
                            IntelUpdate.refused(
                                    "ip:x",
                                    "not an address",
                                    0,
                                    42,
                                    1L,
                                    "{\"value\":1}".getBytes())),
                    1);
            assertThat(passed(h)).isEmpty();
            var dead = h.getSideOutput(IntelEnrichment.DEAD_LETTERS);
            assertThat(dead).hasSize(1);
            DeadLetter d = dead.peek().getValue();
            assertThat(d.reason).contains("not an address");
        }
    }

    @Test
    void indicatorsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(Routed.intel(IntelUpdate.put(listed())), 1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(eventFrom(LISTED), 2);
            assertThat(passed(h)).singleElement().matches(IntelEnrichmentStateTest::marked);
        }
    }

    /**
     * The broadcast side of the two-input enrichment of earlier versions: it kept the same state.
     */
    static final class TwoInputEnrichment
            extends BroadcastProcessFunction<Routed, IntelUpdate, Routed> {
        @Override
        public void processElement(Routed value, ReadOnlyContext ctx, Collector<Routed> out) {}

        @Override
        public void processBroadcastElement(IntelUpdate u, Context ctx, Collector<Routed> out)
                throws Exception {
            ctx.getBroadcastState(IntelEnrichment.INDICATORS).put(u.key, u.indicator);
        }
    }

    @Test
    void theTwoInputEnrichmentsStateRestoresIntoTheOneInputStep() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h =
                new TwoInputStreamOperatorTestHarness<Routed, IntelUpdate, Routed>(
                        new CoBroadcastWithNonKeyedOperator<>(
                                new TwoInputEnrichment(), List.of(IntelEnrichment.INDICATORS)))) {
            h.open();
            h.processElement2(IntelUpdate.put(listed()), 1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(eventFrom(LISTED), 2);
            h.processElement(eventFrom("198.51.100.1"), 3);
            assertThat(passed(h))
                    .extracting(IntelEnrichmentStateTest::marked)
                    .containsExactly(true, false);
        }
    }
}
