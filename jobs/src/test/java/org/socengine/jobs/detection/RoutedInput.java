package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/** Events into a detector's test harness as the job's router sends them. */
final class RoutedInput {

    private RoutedInput() {}

    /** The alerts and updates the harness emitted since the last call, in order; then clears. */
    static void drainAlerts(OneInputStreamOperatorTestHarness<Routed, Alert> h, List<Alert> into) {
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a) {
                into.add(a);
            }
        }
        h.getOutput().clear();
    }

    /** Routes {@code e} to {@code families} and gives the harness every record, at its time. */
    static void send(
            OneInputStreamOperatorTestHarness<Routed, Alert> h,
            RuleFamilies families,
            SecurityEvent e)
            throws Exception {
        RuleRouter router = new RuleRouter(families);
        router.open();
        List<Routed> out = new ArrayList<>();
        router.route(e, new ListCollector<>(out));
        for (Routed r : out) {
            h.processElement(new StreamRecord<>(r, e.timestamp));
        }
    }
}
