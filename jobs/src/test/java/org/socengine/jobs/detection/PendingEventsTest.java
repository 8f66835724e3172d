package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

class PendingEventsTest {

    private static Routed at(long timestamp) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = timestamp;
        return Routed.event(0, e, new String[0], new String[0]);
    }

    /** The order of one heap of (timestamp, arrival): what the detector evaluated before. */
    @Test
    void takesEventsInTimestampThenArrivalOrderWhateverTheyArriveIn() {
        Random random = new Random(18);
        for (int round = 0; round < 200; round++) {
            PendingEvents pending = new PendingEvents();
            List<Routed> arrived = new ArrayList<>();
            long t = 1_000;
            for (int i = 0; i < 300; i++) {
                // Mostly in order, whole-second ties, now and then one from the past.
                t += random.nextInt(3) * 1000L;
                long ts = random.nextInt(10) == 0 ? t - random.nextInt(20) * 1000L : t;
                Routed r = at(ts);
                arrived.add(r);
                pending.add(r);
            }
            List<Routed> expected = new ArrayList<>(arrived);
            expected.sort(Comparator.comparingLong(r -> r.event.timestamp));
            assertThat(pending.inEvaluationOrder()).containsExactlyElementsOf(expected);

            List<Routed> taken = new ArrayList<>();
            long watermark = 0;
            while (pending.size() > 0) {
                watermark += random.nextInt(5_000);
                for (Routed r = pending.pollUpTo(watermark);
                        r != null;
                        r = pending.pollUpTo(watermark)) {
                    assertThat(r.event.timestamp).isLessThanOrEqualTo(watermark);
                    taken.add(r);
                }
            }
            assertThat(taken).containsExactlyElementsOf(expected);
        }
    }
}
