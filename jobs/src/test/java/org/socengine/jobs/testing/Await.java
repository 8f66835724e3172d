package org.socengine.jobs.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another process or thread does (a job deploying a rule, an alert arriving).
 * Polls a condition with a deadline; never used to move event time, which tests drive with events
 * and watermarks.
 */
public final class Await {

    private Await() {}

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
