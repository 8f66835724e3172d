package org.socengine.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * The chaos run's injected failures: throws at planned record counts (counted over all subtasks and
 * every attempt, replays included, each position once) and once at the first of a set of trigger
 * lines (the middle of an attack), so that Flink kills the job's tasks and restores them from the
 * last completed checkpoint. A kill waits until the current attempt has completed a checkpoint:
 * otherwise two kills in a row would restore the same checkpoint and test nothing new. State is
 * static and found by run id: the job runs in this JVM (Flink local mode).
 */
public final class ChaosSwitch implements MapFunction<RawRecord, RawRecord>, CheckpointListener {

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    /** What a run planned and what happened. */
    public static final class Run {
        final AtomicLong seen = new AtomicLong();
        final Set<Long> pending = ConcurrentHashMap.newKeySet();
        final Set<String> triggers;
        final MidAttack attack;
        final AtomicBoolean triggerFired = new AtomicBoolean();
        final AtomicLong kills = new AtomicLong();
        final AtomicLong triggerKills = new AtomicLong();

        /** Whether any attempt of the run has completed a checkpoint: something to restore. */
        final AtomicBoolean anyCheckpoint = new AtomicBoolean();

        Run(Set<Long> positions, Set<String> triggers, MidAttack attack) {
            pending.addAll(positions);
            this.triggers = Set.copyOf(triggers);
            this.attack = attack;
        }

        public long kills() {
            return kills.get();
        }

        public long midAttackKills() {
            return triggerKills.get();
        }

        public long seen() {
            return seen.get();
        }

        public int notReached() {
            return pending.size();
        }
    }

    private final String id;
    private final long pauseNanos;

    // Reset by every restore: a new attempt makes new instances.
    private transient volatile boolean checkpointed;

    /**
     * @param pauseNanos a pause per record, so that a short test stream lasts several checkpoint
     *     intervals (0 for none)
     */
    public ChaosSwitch(String id, long pauseNanos) {
        this.id = id;
        this.pauseNanos = pauseNanos;
    }

    /**
     * The middle of an attack as the raw records show it: Kafka time within its span and the
     * attacker's value in the line. A decoded event's {@code event.original} is not always the line
     * the sender wrote (a structured record is stored re-serialized), so lines alone missed the
     * attack in some runs and the mid-attack kill never fired.
     */
    public record MidAttack(long from, long to, String text) implements java.io.Serializable {
        /**
         * Event times of syslog and Windows records are whole seconds while the Kafka time of the
         * same line keeps its milliseconds: a span of event times misses lines by up to a second.
         */
        static final long SLACK_MILLIS = 1_000;

        boolean matches(RawRecord r, String line) {
            return text != null
                    && !text.isEmpty()
                    && r.kafkaTimestamp >= from - SLACK_MILLIS
                    && r.kafkaTimestamp <= to + SLACK_MILLIS
                    && line.contains(text);
        }
    }

    /** Plans a run: kills at these record counts and at the first trigger line seen armed. */
    public static Run plan(String id, Set<Long> positions, Set<String> triggerLines) {
        return plan(id, positions, triggerLines, null);
    }

    /** Also kills at the first record of the attack's middle seen armed. */
    public static Run plan(
            String id, Set<Long> positions, Set<String> triggerLines, MidAttack attack) {
        Run run = new Run(positions, triggerLines, attack);
        RUNS.put(id, run);
        return run;
    }

    public static void forget(String id) {
        RUNS.remove(id);
    }

    @Override
    public RawRecord map(RawRecord r) {
        Run run = RUNS.get(id);
        long n = run.seen.incrementAndGet();
        if (pauseNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
        }
        // The mid-attack kill needs only a checkpoint of the run to restore, not one of this
        // attempt: an attack's lines are a few consecutive records, read within milliseconds, and
        // when they came right after a planned kill (before the new attempt's first checkpoint)
        // the only mid-attack kill of the run was skipped. None fired in three million-event runs.
        if ((!run.triggers.isEmpty() || run.attack != null)
                && run.anyCheckpoint.get()
                && !run.triggerFired.get()
                && r.value != null
                && isTrigger(run, r)
                && run.triggerFired.compareAndSet(false, true)) {
            run.kills.incrementAndGet();
            run.triggerKills.incrementAndGet();
            throw new ChaosKill("injected failure in the middle of an attack, at record " + n);
        }
        if (!checkpointed) {
            return r;
        }
        for (Long position : run.pending) {
            if (position <= n && run.pending.remove(position)) {
                run.kills.incrementAndGet();
                throw new ChaosKill(
                        "injected failure at record " + n + " (planned at " + position + ")");
            }
        }
        return r;
    }

    private static boolean isTrigger(Run run, RawRecord r) {
        String line = new String(r.value, StandardCharsets.UTF_8);
        return run.triggers.contains(line) || (run.attack != null && run.attack.matches(r, line));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
        Run run = RUNS.get(id);
        if (run != null) {
            run.anyCheckpoint.set(true);
        }
    }

    /** The failure the switch throws; its name says it was planned. */
    static final class ChaosKill extends RuntimeException {
        ChaosKill(String message) {
            super("chaos: " + message, null, false, false);
        }
    }
}
