package org.socengine.jobs.escalation;

import org.socengine.model.Incident;

/**
 * One incident as the correlator keeps it: the incident itself and where its escalation stands.
 * Every time is event time (epoch ms); {@link #NONE} means not scheduled.
 */
public class IncidentState {

    public static final long NONE = Long.MIN_VALUE;

    public Incident incident;

    /** The severity whose tiers the escalation follows (it only rises). */
    public String track;

    /** Tier index last notified in {@link #track}; -1 before the first. */
    public int tier = -1;

    /** Notification rounds so far: part of each notification's idempotency key. */
    public int step;

    /** When the current tier's acknowledgement deadline passes (then the next tier). */
    public long deadline = NONE;

    /** When the next reminder is due. */
    public long reminderAt = NONE;

    /** A round held by quiet hours: when it goes out, to which tier, and of which kind. */
    public long heldUntil = NONE;

    public int heldTier;
    public String heldKind;

    /** Every timer registered for this incident and not yet passed, to delete them at expiry. */
    public java.util.List<Long> timers = new java.util.ArrayList<>();

    public IncidentState() {}

    boolean escalating() {
        return incident.isOpen();
    }

    /** The earliest scheduled step, or {@link #NONE}. */
    long nextDue() {
        long next = Long.MAX_VALUE;
        for (long t : new long[] {deadline, reminderAt, heldUntil}) {
            if (t != NONE && t < next) {
                next = t;
            }
        }
        return next == Long.MAX_VALUE ? NONE : next;
    }
}
