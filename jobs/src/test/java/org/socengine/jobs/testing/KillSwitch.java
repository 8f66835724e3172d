package org.socengine.jobs.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Kills the job it sits in: throws at given record counts (counted over all subtasks and restarts,
 * each position once), so that Flink restarts the job from its last checkpoint. Also paces records
 * a little, so checkpoints complete between the kills of a short test stream.
 *
 * <p>A kill waits for a checkpoint of the current attempt, so that every restart is a restore. A
 * restore can take seconds (the detector replays its horizon), while the source keeps reading: so
 * while a kill is due and the attempt has not checkpointed yet, records are paced much slower
 * ({@link #DUE_PAUSE_NANOS}), and the stream cannot run out before the kill's checkpoint comes,
 * however slow the machine.
 */
public final class KillSwitch<T> implements MapFunction<T, T>, CheckpointListener {

    private static final Map<String, AtomicLong> SEEN = new ConcurrentHashMap<>();
    private static final Map<String, Set<Long>> PENDING = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> KILLS = new ConcurrentHashMap<>();

    static final long DUE_PAUSE_NANOS = 50_000_000L;

    private final String id;
    private final long pauseNanos;

    // Kills wait for a checkpoint of the current attempt, so every restart is a restore.
    private transient volatile boolean checkpointed;

    public KillSwitch(String id, Set<Long> positions, long pauseNanos) {
        this.id = id;
        this.pauseNanos = pauseNanos;
        SEEN.put(id, new AtomicLong());
        KILLS.put(id, new AtomicLong());
        Set<Long> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(positions);
        PENDING.put(id, pending);
    }

    public static long kills(String id) {
        return KILLS.get(id).get();
    }

    /** Records seen over all subtasks and restarts, replays included. */
    public static long seen(String id) {
        return SEEN.get(id).get();
    }

    @Override
    public T map(T value) {
        long n = SEEN.get(id).incrementAndGet();
        Set<Long> pending = PENDING.get(id);
        Long due = firstDue(pending, n);
        long pause =
                due != null && !checkpointed ? Math.max(pauseNanos, DUE_PAUSE_NANOS) : pauseNanos;
        if (pause > 0) {
            LockSupport.parkNanos(pause);
        }
        if (due != null && checkpointed && pending.remove(due)) {
            KILLS.get(id).incrementAndGet();
            throw new IllegalStateException(
                    "kill switch: injected failure at record " + n + " (planned at " + due + ")");
        }
        return value;
    }

    /** A planned position the record count has reached, or null. */
    private static Long firstDue(Set<Long> pending, long n) {
        for (Long position : pending) {
            if (position <= n) {
                return position;
            }
        }
        return null;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
