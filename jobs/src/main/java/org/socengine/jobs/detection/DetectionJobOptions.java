package org.socengine.jobs.detection;

import java.io.Serializable;
import java.time.Duration;

/**
 * Tuning of the detection job.
 *
 * @param allowedLateness how far behind the newest event an event may arrive and still be evaluated
 *     in order (the watermark's out-of-orderness bound)
 * @param idleness after how long without records a source split stops holding the watermark back
 * @param parallelism parallelism of the decode and detect stages
 */
public record DetectionJobOptions(Duration allowedLateness, Duration idleness, int parallelism)
        implements Serializable {

    public static DetectionJobOptions defaults() {
        return new DetectionJobOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), 1);
    }

    public DetectionJobOptions withParallelism(int p) {
        return new DetectionJobOptions(allowedLateness, idleness, p);
    }

    public DetectionJobOptions withAllowedLateness(Duration d) {
        return new DetectionJobOptions(d, idleness, parallelism);
    }
}
