package org.socengine.connectors.notify;

import java.io.Serializable;
import java.time.Duration;

/** Waits between retries; tests pass one that records the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper extends Serializable {

    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return RealSleeper.INSTANCE;
    }

    /** The thread's own sleep. */
    enum RealSleeper implements Sleeper {
        INSTANCE;

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis());
            }
        }
    }
}
