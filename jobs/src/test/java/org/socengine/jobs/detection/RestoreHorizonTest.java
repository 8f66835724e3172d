package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

class RestoreHorizonTest {

    private static final long T0 = 1_795_600_000_000L;

    /** A netflow record from a district office, as the decoder makes them. */
    private static Routed flow(int i) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0 + i * 500L;
        e.ensureEvent().module = "netflow";
        e.ensureEvent().action = "flow";
        e.ensureEvent().original =
                "2026-11-26T08:00:00Z 10.20.7."
                        + (i % 200)
                        + " 198.51.100."
                        + (i % 50)
                        + " 443 tcp";
        e.ensureSource().ip = "10.20.7." + (i % 200);
        e.ensureDestination().ip = "198.51.100." + (i % 50);
        e.ensureDestination().port = 443;
        e.ensureOrganization().id = "ubnd-h-quangxuong";
        return Routed.event(0, e, new String[] {"source.ip"}, new String[] {e.source.ip});
    }

    private static List<Long> replay(RestoreHorizon h, List<byte[]> segments) {
        List<Long> times = new ArrayList<>();
        for (byte[] s : segments) {
            h.forEachIn(s, r -> times.add(r.event.timestamp));
        }
        return times;
    }

    @Test
    void everyEventComesBackInOrderFromCompressedSegments() {
        RestoreHorizon h = new RestoreHorizon();
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Routed r = flow(i);
            h.add(3_600_000, r, r.event.timestamp);
            sent.add(r.event.timestamp);
        }
        List<byte[]> segments = h.segments();
        assertThat(segments.size()).isGreaterThan(1);
        assertThat(replay(new RestoreHorizon(), segments)).isEqualTo(sent);
        long stored = segments.stream().mapToLong(s -> s.length).sum();
        long raw = rawSize(sent.size());
        assertThat(stored).as("stored %d of %d raw bytes", stored, raw).isLessThan(raw / 2);
    }

    /**
     * A keyed window's last event is written with a checkpoint only when the horizon no longer
     * holds it itself, so the horizon must know which of its events it still keeps.
     */
    @Test
    void theHorizonKnowsWhichOfItsEventsItStillKeeps() {
        RestoreHorizon h = new RestoreHorizon();
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Routed r = flow(i);
            sequences.add(h.add(600_000, r, r.event.timestamp));
        }
        long between = h.nextSequence();
        assertThat(sequences).isSorted().doesNotHaveDuplicates().doesNotContain(between);
        assertThat(h.keeps(600_000, sequences.get(0))).isTrue();
        assertThat(h.keeps(3_600_000, sequences.get(0))).isFalse();

        // 5,000 flows are 2,500 s: ten minutes before the last, the first segments are dropped.
        h.prune(T0 + 4_999 * 500L);
        int firstKept = sequences.size() - h.size();
        assertThat(firstKept).isPositive();
        assertThat(h.keeps(600_000, sequences.get(firstKept - 1))).isFalse();
        assertThat(h.keeps(600_000, sequences.get(firstKept))).isTrue();
        assertThat(h.keeps(600_000, sequences.get(sequences.size() - 1))).isTrue();

        h.prune(Long.MAX_VALUE);
        assertThat(h.keeps(600_000, sequences.get(sequences.size() - 1))).isFalse();
    }

    @Test
    void pendingEventsPackAndComeBackTheSameWay() {
        RestoreHorizon h = new RestoreHorizon();
        List<Routed> pending = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pending.add(flow(i));
        }
        assertThat(replay(h, h.pack(pending)))
                .isEqualTo(pending.stream().map(r -> r.event.timestamp).toList());
    }

    @Test
    void anEventPackedWhileWaitingEntersTheHorizonAsTheSameBytes() {
        // The bytes a pack keeps with a waiting record are what the horizon stores once the
        // record is evaluated: the same segments as a horizon that never packed it.
        RestoreHorizon packed = new RestoreHorizon();
        RestoreHorizon direct = new RestoreHorizon();
        List<Routed> waiting = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            waiting.add(flow(i));
        }
        packed.pack(waiting);
        packed.pack(waiting);
        for (int i = 0; i < waiting.size(); i++) {
            Routed r = waiting.get(i);
            packed.add(3_600_000, r, r.event.timestamp);
            direct.add(3_600_000, flow(i), r.event.timestamp);
        }
        List<byte[]> a = packed.segments();
        List<byte[]> b = direct.segments();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i));
        }
    }

    @Test
    void aSegmentStoredRawComesBack() throws Exception {
        // What seal() writes when LZ4 would not make a segment smaller: a zero byte, then the
        // events.
        var out = new org.apache.flink.core.memory.DataOutputSerializer(1024);
        out.writeByte(0);
        RoutedSerializer s = new RoutedSerializer();
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Routed r = flow(i);
            s.serialize(r, out);
            sent.add(r.event.timestamp);
        }
        assertThat(replay(new RestoreHorizon(), List.of(out.getCopyOfBuffer()))).isEqualTo(sent);
    }

    private static long rawSize(int n) {
        var out = new org.apache.flink.core.memory.DataOutputSerializer(1024);
        RoutedSerializer s = new RoutedSerializer();
        try {
            for (int i = 0; i < n; i++) {
                s.serialize(flow(i), out);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.length();
    }
}
