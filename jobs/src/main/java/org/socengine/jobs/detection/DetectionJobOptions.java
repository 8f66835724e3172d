package org.socengine.jobs.detection;

import java.io.Serializable;
import java.time.Duration;

/**
 * Tuning of the detection job.
 *
 * @param allowedLateness how far behind the newest event an event may arrive and still be evaluated
 *     in order (the watermark's out-of-orderness bound)
 * @param idleness after how long a Kafka partition without events, or whose events all have a wrong
 *     clock, stops holding the watermark back
 * @param maxClockSkew how far an event's time may be from its Kafka timestamp before its partition
 *     counts as having a wrong clock (zero: never)
 * @param maxPartitionDrift how far ahead, in Kafka time, the source may read one partition of the
 *     others before it pauses that partition (Flink's watermark alignment; zero: never pause)
 * @param parallelism parallelism of the decode and detect stages
 * @param alertBudgetPerHour alerts one rule may raise per department and hour
 * @param ruleLimits the limits (groups, rows, CPU per minute of event time) of rules whose file
 *     sets none; a rule over its limits is quarantined
 * @param idleAdvance while every input of the detector is idle, its event time follows the wall
 *     clock from where it stood, at most this far per quiet spell (zero: never; the end of a
 *     bounded input still closes the windows, and the control and indicator streams carry no event
 *     time that could)
 * @param retainedCheckpoints completed checkpoints Flink keeps ({@code
 *     state.checkpoints.num-retained}): the detector deletes a horizon file only when none of them
 *     can name it
 * @param startupHold how long after its first event the decode step holds the watermark while the
 *     Kafka partitions make themselves known; everything read meanwhile waits in the detector
 * @param followLivePartitions whether a partition read live that goes quiet follows the clock
 *     instead of holding event time at its newest event until the idle timeout
 *     (PartitionWatermarks)
 */
public record DetectionJobOptions(
        Duration allowedLateness,
        Duration idleness,
        Duration maxClockSkew,
        Duration maxPartitionDrift,
        int parallelism,
        int alertBudgetPerHour,
        org.socengine.rules.RuleLimits ruleLimits,
        Duration idleAdvance,
        int retainedCheckpoints,
        Duration startupHold,
        boolean followLivePartitions)
        implements Serializable {

    public static DetectionJobOptions defaults() {
        return new DetectionJobOptions(
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                1,
                org.socengine.rules.engine.AlertBudget.DEFAULT_PER_HOUR,
                org.socengine.rules.RuleLimits.DEFAULTS,
                Duration.ZERO,
                1,
                Duration.ofMillis(PartitionWatermarks.STARTUP_HOLD_MILLIS),
                true);
    }

    public DetectionJobOptions withParallelism(int p) {
        return with(o -> o.parallelism = p);
    }

    public DetectionJobOptions withAllowedLateness(Duration d) {
        return with(o -> o.allowedLateness = d);
    }

    public DetectionJobOptions withIdleness(Duration d) {
        return with(o -> o.idleness = d);
    }

    public DetectionJobOptions withMaxClockSkew(Duration d) {
        return with(o -> o.maxClockSkew = d);
    }

    public DetectionJobOptions withMaxPartitionDrift(Duration d) {
        return with(o -> o.maxPartitionDrift = d);
    }

    /** How many alerts one rule may raise per department and hour before it is throttled. */
    public DetectionJobOptions withAlertBudgetPerHour(int n) {
        return with(o -> o.alertBudgetPerHour = n);
    }

    /** The limits of rules whose file sets none. */
    public DetectionJobOptions withRuleLimits(org.socengine.rules.RuleLimits limits) {
        return with(o -> o.ruleLimits = limits);
    }

    public DetectionJobOptions withIdleAdvance(Duration d) {
        return with(o -> o.idleAdvance = d);
    }

    /** How many completed checkpoints Flink keeps; horizon files they may name stay. */
    public DetectionJobOptions withRetainedCheckpoints(int n) {
        return with(o -> o.retainedCheckpoints = n);
    }

    /**
     * How long the decode step holds the watermark after its first event; zero for an input that is
     * one partition known from the first record on.
     */
    public DetectionJobOptions withStartupHold(Duration d) {
        return with(o -> o.startupHold = d);
    }

    /** Whether a quiet partition read live follows the clock (true by default). */
    public DetectionJobOptions withFollowLivePartitions(boolean follow) {
        return with(o -> o.followLivePartitions = follow);
    }

    /** A copy with one setting changed: each {@code with...} names only its own. */
    private DetectionJobOptions with(java.util.function.Consumer<Settings> change) {
        Settings o = new Settings(this);
        change.accept(o);
        return o.options();
    }

    /** The settings as fields that a change can assign. */
    private static final class Settings {
        Duration allowedLateness;
        Duration idleness;
        Duration maxClockSkew;
        Duration maxPartitionDrift;
        int parallelism;
        int alertBudgetPerHour;
        org.socengine.rules.RuleLimits ruleLimits;
        Duration idleAdvance;
        int retainedCheckpoints;
        Duration startupHold;
        boolean followLivePartitions;

        Settings(DetectionJobOptions from) {
            allowedLateness = from.allowedLateness;
            idleness = from.idleness;
            maxClockSkew = from.maxClockSkew;
            maxPartitionDrift = from.maxPartitionDrift;
            parallelism = from.parallelism;
            alertBudgetPerHour = from.alertBudgetPerHour;
            ruleLimits = from.ruleLimits;
            idleAdvance = from.idleAdvance;
            retainedCheckpoints = from.retainedCheckpoints;
            startupHold = from.startupHold;
            followLivePartitions = from.followLivePartitions;
        }

        DetectionJobOptions options() {
            return new DetectionJobOptions(
                    allowedLateness,
                    idleness,
                    maxClockSkew,
                    maxPartitionDrift,
                    parallelism,
                    alertBudgetPerHour,
                    ruleLimits,
                    idleAdvance,
                    retainedCheckpoints,
                    startupHold,
                    followLivePartitions);
        }
    }
}
