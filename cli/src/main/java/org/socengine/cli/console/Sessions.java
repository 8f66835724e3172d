package org.socengine.cli.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side sessions: a random 256-bit id in an HttpOnly SameSite=Strict cookie, an idle timeout
 * and an absolute lifetime, and a CSRF token per session that every state change must carry.
 */
public final class Sessions {

    public static final String COOKIE = "soc_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration idle;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** One logged-in user's session. The language can be switched for the session. */
    public static final class Session {
        final String id;
        final String csrf;
        final Instant created;
        volatile Instant lastSeen;
        volatile ConsoleUser user;
        private volatile String flash;

        Session(String id, String csrf, Instant created, ConsoleUser user) {
            this.id = id;
            this.csrf = csrf;
            this.created = created;
            this.lastSeen = created;
            this.user = user;
        }

        public ConsoleUser user() {
            return user;
        }

        public String csrf() {
            return csrf;
        }

        public String id() {
            return id;
        }

        /** A message for the next page (the outcome of a form), shown once. */
        void flash(String message) {
            this.flash = message;
        }

        String takeFlash() {
            String f = flash;
            flash = null;
            return f;
        }
    }

    public Sessions(Duration idle, Duration maxAge, Clock clock) {
        this.idle = idle;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public Session open(ConsoleUser user) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
        Session s = new Session(token(), token(), now, user);
        sessions.put(s.id, s);
        return s;
    }

    /** The live session of a cookie value; an expired one is removed and not returned. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Whether a submitted CSRF token is the session's, compared in constant time. */
    public static boolean csrfMatches(Session s, String submitted) {
        return submitted != null
                && MessageDigest.isEqual(
                        s.csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        submitted.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Duration idleTimeout() {
        return idle;
    }

    private boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastSeen.plus(idle)) || !now.isBefore(s.created.plus(maxAge));
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
