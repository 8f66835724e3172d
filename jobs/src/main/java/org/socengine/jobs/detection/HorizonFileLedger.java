package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which of a detector subtask's horizon files a retained checkpoint may still need, and which may
 * go. A sealed horizon segment is written to a file once and later checkpoints name the file; the
 * job manager knows nothing of those files (they are bytes in the detector's operator state), so
 * the subtask that wrote them deletes them, and only when no checkpoint that Flink keeps can refer
 * to them.
 *
 * <p>Flink keeps the {@code retained} newest completed checkpoints. A file that checkpoint {@code
 * L} was the last to name is needed by none of them once {@code retained} checkpoints newer than
 * {@code L} have completed. Completions are counted only as notified, and only for checkpoints this
 * subtask took itself (not savepoints, which are self-contained): a notification Flink skips delays
 * a deletion, never hastens it.
 *
 * <p>Files restored from a checkpoint are never named again (the restore replays their events into
 * a fresh horizon, which the next checkpoint writes anew): they go once {@code retained}
 * checkpoints of this subtask have completed, when the checkpoint they were restored from is no
 * longer kept.
 */
final class HorizonFileLedger {

    /** Restored files: named by no checkpoint this subtask takes. */
    private static final long BEFORE_EVERY_CHECKPOINT = Long.MIN_VALUE;

    private final int retained;

    /** Each file this subtask deletes, with the newest checkpoint that names it. */
    private final Map<String, Long> lastNamedBy = new HashMap<>();

    /** Checkpoints taken and not yet completed or aborted. */
    private final TreeSet<Long> pending = new TreeSet<>();

    /** The newest completed checkpoints, at most {@code retained} of them. */
    private final TreeSet<Long> completed = new TreeSet<>();

    HorizonFileLedger(int retained) {
        if (retained < 1) {
            throw new IllegalArgumentException("retained checkpoints must be at least 1");
        }
        this.retained = retained;
    }

    /** A file of a restored checkpoint this subtask is to delete. */
    void restored(String path) {
        lastNamedBy.putIfAbsent(path, BEFORE_EVERY_CHECKPOINT);
    }

    /**
     * Checkpoint {@code id} (not a savepoint) names {@code files}.
     *
     * @return the files no longer named, which wait to be deleted (a restore must know them)
     */
    List<String> checkpointed(long id, Collection<String> files) {
        pending.add(id);
        for (String f : files) {
            lastNamedBy.put(f, id);
        }
        List<String> waiting = new ArrayList<>();
        for (Map.Entry<String, Long> e : lastNamedBy.entrySet()) {
            if (e.getValue() != id) {
                waiting.add(e.getKey());
            }
        }
        waiting.sort(null);
        return waiting;
    }

    /**
     * Checkpoint {@code id} completed.
     *
     * @return the files that no retained checkpoint names any more, now forgotten: the caller
     *     deletes them
     */
    List<String> completed(long id) {
        if (!pending.remove(id)) {
            // A savepoint, or a checkpoint of an earlier attempt: not one of ours to count.
            return List.of();
        }
        // Older pending checkpoints are subsumed and will never complete.
        pending.headSet(id).clear();
        completed.add(id);
        while (completed.size() > retained) {
            completed.pollFirst();
        }
        if (completed.size() < retained) {
            return List.of();
        }
        long oldestRetained = completed.first();
        List<String> expired = new ArrayList<>();
        var it = lastNamedBy.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() < oldestRetained) {
                expired.add(e.getKey());
                it.remove();
            }
        }
        expired.sort(null);
        return expired;
    }

    /** Checkpoint {@code id} was aborted: it is not kept, and counts for nothing. */
    void aborted(long id) {
        pending.remove(id);
    }

    /** Files this subtask has yet to delete, for tests. */
    int tracked() {
        return lastNamedBy.size();
    }
}
