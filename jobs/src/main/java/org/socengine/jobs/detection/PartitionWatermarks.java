package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Event time tracked per Kafka partition: the watermark is the least of the partitions' own
 * bounded-out-of-order watermarks, not one watermark over everything a reader returns.
 *
 * <p>Why per partition: a reader catching up on a backlog (after a restart, in a benchmark) returns
 * a fetch of a quiet topic that spans minutes of its event time beside a fetch of a busy one that
 * spans seconds. One watermark over both runs ahead of the busy topic, whose events then arrive
 * late and are evaluated all at one instant; identical million-event runs raised 2,810 to 2,901
 * alerts that way. With the least of the partitions' watermarks, the quiet topic's events wait in
 * the detector until the busy topic has caught up, and the run is the same every time.
 *
 * <p>Two kinds of partition stop holding the others back, after the idle timeout:
 *
 * <ul>
 *   <li>an <em>idle</em> one, that has had no event with an event time for that long (records that
 *       do not decode neither move nor hold it);
 *   <li>a <em>wrong-clock</em> one, whose events have all been more than the clock-skew bound away
 *       from the time Kafka stamped them for that long: a device whose clock or time zone is wrong
 *       would otherwise hold the whole province's detection back for as long as it is wrong. Its
 *       events are still evaluated, as late ones. When every active partition is off by as much (a
 *       replay of old records into Kafka, a backlog older than the bound), they are consistent with
 *       each other and all hold the watermark as usual.
 * </ul>
 *
 * <p>A shipper that was cut off and sends an hour of buffered lines is off by an hour too, but only
 * until it has caught up: within the idle timeout its partition keeps holding the watermark, so its
 * events are evaluated in order.
 *
 * <p>A <em>live</em> partition that goes quiet follows the clock (when {@code followLive} is on, as
 * in the detection job's decode step). Live: Kafka records, every one of them for the last idle
 * timeout read within the allowed lateness (plus a second, the granule of whole-second log
 * timestamps) of its own time. Such a partition's next event will be appended after what the reader
 * has already read, so it cannot be older than its newest event plus the quiet time since (less a
 * second for the reader's fetch); it holds the watermark there instead of at its newest event.
 * Without it, one quiet source (a district office's DNS server logging every 20 s) held every alert
 * of the subtask back by up to the idle timeout. The quiet time runs on the clock that stands still
 * under backpressure, so a reader that is behind never counts its unread records as quiet; and a
 * partition whose events come in batches later than the lateness (a buffering shipper, a replay, a
 * backlog after a restart) is not live for an idle timeout after its last such event, and holds as
 * before.
 *
 * <p>Partitions are learnt from their records, so the watermark does not move until the idle
 * timeout has passed since the first event: a partition the reader has not returned yet would
 * otherwise find the others' watermark ahead of it. Not thread-safe; one per decode subtask.
 */
final class PartitionWatermarks {

    /** What {@link #advance} found: the watermark to emit, if it moved, and whether all is idle. */
    record Progress(long watermark, boolean moved, boolean idle) {}

    /**
     * How long after the first event the watermark stays put while the partitions make themselves
     * known. Short, because everything read meanwhile waits in the detector.
     */
    static final long STARTUP_HOLD_MILLIS = 2_000;

    /**
     * How much later than its own time (beyond the allowed lateness) a live partition's event may
     * be read: the granule of whole-second timestamps. The same margin is taken off a quiet live
     * partition's time, for the reader's fetch.
     */
    static final long LIVE_SLACK_MILLIS = 1_000;

    /** One partition's event time. */
    static final class Partition {
        final String topic;
        final int partition;
        long maxTimestamp = Long.MIN_VALUE;
        long lastTimedAt;

        /** Since when (processing time) every event has been off its Kafka time; or MIN_VALUE. */
        long skewedSince = Long.MIN_VALUE;

        long lastSkewMillis;
        boolean reportedWrongClock;

        /** Active clock when the newest event time was last read. */
        long newestAt;

        /**
         * Active clock of the last event that was not read live (no Kafka time, or read more than
         * the lateness away from its own time); the partition follows the clock while quiet only an
         * idle timeout after it.
         */
        long notLiveAt;

        Partition(String topic, int partition) {
            this.topic = topic;
            this.partition = partition;
        }
    }

    private final long lateness;
    private final long idleMillis;
    private final long maxSkewMillis;
    private final long startedAt;
    private final long startupHold;
    private boolean followLive;
    private final Map<String, List<Partition>> byTopic = new HashMap<>();
    private final List<Partition> all = new ArrayList<>();
    private Partition last;
    private long firstEventAt = Long.MIN_VALUE;
    private long stalledMillis;
    private long stalledAtFirstEvent;
    private long emitted = Long.MIN_VALUE;

    /**
     * @param latenessMillis allowed lateness: a partition's watermark trails its newest event by it
     * @param idleMillis after how long an idle or wrong-clock partition stops holding the others
     * @param maxSkewMillis how far an event's time may be from its Kafka timestamp before it counts
     *     as a wrong clock; 0 or less never counts one
     * @param startedAt processing time the subtask started at
     */
    PartitionWatermarks(long latenessMillis, long idleMillis, long maxSkewMillis, long startedAt) {
        this(latenessMillis, idleMillis, maxSkewMillis, startedAt, STARTUP_HOLD_MILLIS);
    }

    /**
     * @param startupHoldMillis how long after the first event the watermark stays put (at most the
     *     idle timeout); 0 for a reader that emits as each event comes and takes the risk that a
     *     partition it has not read yet finds the others ahead
     */
    PartitionWatermarks(
            long latenessMillis,
            long idleMillis,
            long maxSkewMillis,
            long startedAt,
            long startupHoldMillis) {
        this.startupHold = Math.min(idleMillis, startupHoldMillis);
        this.startedAt = startedAt;
        this.lateness = latenessMillis;
        this.idleMillis = idleMillis;
        this.maxSkewMillis = maxSkewMillis;
    }

    /**
     * Live partitions that go quiet follow the clock (see the class comment). Off by default: the
     * escalation job's alert partitions carry alerts stamped with their evidence's time, which can
     * be far behind when they are appended.
     */
    PartitionWatermarks followLive() {
        this.followLive = true;
        return this;
    }

    /**
     * One event with an event time from the given partition. Every method takes two clocks: {@code
     * now}, processing time (the start-up hold, the wrong-clock timeout), and {@code activeNow},
     * processing time that stands still while the task is backpressured (idleness).
     *
     * @param kafkaTimestamp the record's Kafka timestamp, or 0 or less when it has none (file
     *     replays), which never counts as a wrong clock
     */
    void onEvent(
            String topic,
            int partition,
            long eventTime,
            long kafkaTimestamp,
            long now,
            long activeNow) {
        Partition p = partition(topic, partition, activeNow);
        if (eventTime >= p.maxTimestamp) {
            p.maxTimestamp = eventTime;
            p.newestAt = activeNow;
        }
        // Compared against bounds around now, not by difference: a decoded time near the ends
        // of the long range must not wrap into "live".
        long bound = lateness + LIVE_SLACK_MILLIS;
        if (kafkaTimestamp <= 0 || eventTime < now - bound || eventTime > now + bound) {
            p.notLiveAt = activeNow;
        }
        p.lastTimedAt = idleClock(activeNow);
        if (firstEventAt == Long.MIN_VALUE) {
            firstEventAt = now;
            stalledAtFirstEvent = stalledMillis;
        }
        long skew = kafkaTimestamp > 0 ? Math.abs(kafkaTimestamp - eventTime) : 0;
        if (maxSkewMillis > 0 && skew > maxSkewMillis) {
            if (p.skewedSince == Long.MIN_VALUE) {
                p.skewedSince = now;
            }
            p.lastSkewMillis = kafkaTimestamp - eventTime;
        } else {
            p.skewedSince = Long.MIN_VALUE;
        }
    }

    private Partition partition(String topic, int partition, long activeNow) {
        Partition p = last;
        if (p != null && p.partition == partition && p.topic.equals(topic)) {
            return p;
        }
        List<Partition> ps = byTopic.computeIfAbsent(topic, t -> new ArrayList<>(1));
        for (Partition q : ps) {
            if (q.partition == partition) {
                last = q;
                return q;
            }
        }
        p = new Partition(topic, partition);
        // Live only once it has been read for an idle timeout.
        p.notLiveAt = activeNow;
        p.newestAt = activeNow;
        ps.add(p);
        all.add(p);
        last = p;
        return p;
    }

    /**
     * Whether the start-up hold still keeps the watermark where it is: until the first event, and
     * for the hold's length after it, not counting the stalls since ({@link #stalled}).
     */
    boolean holding(long now) {
        return firstEventAt == Long.MIN_VALUE
                || now - firstEventAt - (stalledMillis - stalledAtFirstEvent) < startupHold;
    }

    /**
     * The step's thread was held up this long (a thousand rules deploying at a stream's first
     * events, a watermark or checkpoint of the detector chained behind), so the records of the
     * partitions not read yet waited in its input: the time is no partition's idle time, and the
     * start-up hold is that much longer. Before, an idle timeout or a hold that ran out during such
     * waits found those records behind the watermark when they came. A live partition's quiet time
     * still counts it: the second of slack it leaves for the reader covers the short stalls of a
     * job that keeps up, and taking them off made every alert of a job with a quiet source seconds
     * later.
     */
    void stalled(long millis) {
        stalledMillis += millis;
    }

    /**
     * The watermark now: the least over the partitions that hold it, never moving back. The
     * start-up hold (less the stalls) and the wrong-clock timeout run on plain processing time, not
     * on the activity clock: a job saturated from its first second (a backlog, a peak) is
     * backpressured nearly all the time, and on the paused clock its watermark did not start moving
     * for minutes.
     */
    Progress advance(long now, long activeNow) {
        if (firstEventAt == Long.MIN_VALUE) {
            // A subtask with no partition (more subtasks than partitions) must not hold the
            // others back for ever.
            return new Progress(emitted, false, now - startedAt >= idleMillis);
        }
        if (holding(now)) {
            return new Progress(emitted, false, false);
        }
        long sane = Long.MAX_VALUE;
        long active = Long.MAX_VALUE;
        boolean anyActive = false;
        boolean anySane = false;
        for (Partition p : all) {
            if (!active(p, activeNow)) {
                continue;
            }
            long w = time(p, activeNow) - lateness - 1;
            anyActive = true;
            active = Math.min(active, w);
            if (!wrongClock(p, now)) {
                anySane = true;
                sane = Math.min(sane, w);
            }
        }
        if (!anyActive) {
            return new Progress(emitted, false, true);
        }
        long w = anySane ? sane : active;
        if (w > emitted) {
            emitted = w;
            return new Progress(w, true, false);
        }
        return new Progress(emitted, false, false);
    }

    /**
     * How far the partition holds event time: its newest event, or for a quiet live partition its
     * newest event plus the quiet time since, less the reader's margin.
     */
    private long time(Partition p, long activeNow) {
        // Live needs a record read live, the newest one: a partition without any record for an
        // idle timeout is not live by default, nor one whose newest record was late.
        if (followLive && activeNow - p.notLiveAt > idleMillis && p.newestAt > p.notLiveAt) {
            long quiet = activeNow - p.newestAt - LIVE_SLACK_MILLIS;
            if (quiet > 0) {
                return p.maxTimestamp + quiet;
            }
        }
        return p.maxTimestamp;
    }

    boolean wrongClock(Partition p, long now) {
        return p.skewedSince != Long.MIN_VALUE && now - p.skewedSince > idleMillis;
    }

    private boolean active(Partition p, long activeNow) {
        return idleClock(activeNow) - p.lastTimedAt <= idleMillis;
    }

    /** The clock idle times run on: the activity clock less the stalls ({@link #stalled}). */
    private long idleClock(long activeNow) {
        return activeNow - stalledMillis;
    }

    /**
     * Whether wrong-clock partitions step aside now: only while another active partition keeps time
     * with Kafka.
     */
    private boolean anySane(long now, long activeNow) {
        for (Partition p : all) {
            if (active(p, activeNow) && !wrongClock(p, now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Partitions that have just stepped aside for a wrong clock, each reported once per episode,
     * for a warning that names it.
     */
    List<Partition> newlyWrongClock(long now, long activeNow) {
        if (!anySane(now, activeNow)) {
            return List.of();
        }
        List<Partition> out = List.of();
        for (Partition p : all) {
            boolean wrong = active(p, activeNow) && wrongClock(p, now);
            if (wrong && !p.reportedWrongClock) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.add(p);
            }
            p.reportedWrongClock = wrong;
        }
        return out;
    }

    /** Partitions that have stepped aside for a wrong clock, for a gauge. */
    int wrongClockPartitions(long now, long activeNow) {
        if (!anySane(now, activeNow)) {
            return 0;
        }
        int n = 0;
        for (Partition p : all) {
            if (active(p, activeNow) && wrongClock(p, now)) {
                n++;
            }
        }
        return n;
    }

    long watermark() {
        return emitted;
    }

    /**
     * A partition as a checkpoint left it: known from the start, holding the watermark at its
     * newest event time until it sends again or goes idle. Without it, a restored subtask learnt
     * its partitions afresh from the first records it read, and the first partition to answer after
     * the start-up hold moved the watermark past where the others' replayed records resumed, which
     * made their events late: alerts of the uninterrupted run went missing or came out short after
     * a restore.
     */
    void restore(String topic, int partition, long maxTimestamp, long activeNow) {
        Partition p = partition(topic, partition, activeNow);
        p.maxTimestamp = Math.max(p.maxTimestamp, maxTimestamp);
        p.lastTimedAt = idleClock(activeNow);
        p.notLiveAt = activeNow;
    }

    /** The partitions seen so far, for a checkpoint. */
    List<Partition> partitions() {
        return all;
    }
}
