package org.socengine.cli.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks a login name after too many wrong passwords in a row, for a while. Counted per name (not
 * per address) so guessing from many addresses gains nothing; an unknown name is counted like a
 * known one so the answer tells nothing about which names exist. A right password during the lock
 * is refused too.
 */
public final class LoginThrottle {

    private final int maxFailures;
    private final Duration lock;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    private static final class State {
        int failures;
        Instant lockedUntil = Instant.MIN;
    }

    public LoginThrottle(int maxFailures, Duration lock, Clock clock) {
        this.maxFailures = maxFailures;
        this.lock = lock;
        this.clock = clock;
    }

    /** Whether the name is locked now. */
    public boolean locked(String name) {
        State s = states.get(key(name));
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return clock.instant().isBefore(s.lockedUntil);
        }
    }

    /** Counts a wrong password; returns true when this one locked the name. */
    public boolean failed(String name) {
        // Bounded: a flood of made-up names cannot grow the map without end.
        if (states.size() > 100_000) {
            states.clear();
        }
        State s = states.computeIfAbsent(key(name), k -> new State());
        synchronized (s) {
            Instant now = clock.instant();
            if (!now.isBefore(s.lockedUntil) && s.lockedUntil != Instant.MIN) {
                // The previous lock is over: a fresh run of attempts.
                s.failures = 0;
                s.lockedUntil = Instant.MIN;
            }
            s.failures++;
            if (s.failures >= maxFailures) {
                s.lockedUntil = now.plus(lock);
                return true;
            }
            return false;
        }
    }

    public void succeeded(String name) {
        states.remove(key(name));
    }

    public Duration lockDuration() {
        return lock;
    }

    private static String key(String name) {
        return name == null ? "" : name.toLowerCase(java.util.Locale.ROOT);
    }
}
