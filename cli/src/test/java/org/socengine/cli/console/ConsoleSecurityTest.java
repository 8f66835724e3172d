package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.model.AlertStatusChange;

/** Passwords, lockout, sessions, CSRF, escaping and department scope, without a server. */
class ConsoleSecurityTest {

    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

    private static ConsoleUser user(String name, ConsoleUser.Role role, String dept) {
        return new ConsoleUser(
                name,
                role,
                dept,
                "en",
                ConsoleUser.DEFAULT_ZONE,
                PasswordHashes.hash("correct horse".toCharArray(), 1000));
    }

    @Test
    void aPasswordMatchesOnlyItsOwnHash() {
        String h = PasswordHashes.hash("correct horse battery".toCharArray(), 1000);
        assertThat(h).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct");
        assertThat(PasswordHashes.verify("correct horse battery".toCharArray(), h)).isTrue();
        assertThat(PasswordHashes.verify("correct horse batterY".toCharArray(), h)).isFalse();
        assertThat(PasswordHashes.hash("same".toCharArray(), 1000))
                .as("salted: the same password hashes differently")
                .isNotEqualTo(PasswordHashes.hash("same".toCharArray(), 1000));
        assertThat(PasswordHashes.verify("x".toCharArray(), "plain-text-password")).isFalse();
        assertThat(PasswordHashes.verify("x".toCharArray(), "pbkdf2-sha256$x$y$z")).isFalse();
        assertThat(PasswordHashes.verify("x".toCharArray(), null)).isFalse();
    }

    @Test
    void fiveWrongPasswordsLockTheNameForAWhileEvenForTheRightOne() {
        MutableClock clock = new MutableClock(T0);
        LoginThrottle t = new LoginThrottle(5, Duration.ofMinutes(15), clock);
        for (int i = 1; i <= 4; i++) {
            assertThat(t.failed("lan")).isFalse();
            assertThat(t.locked("lan")).isFalse();
        }
        assertThat(t.failed("LAN")).as("names count case-insensitively").isTrue();
        assertThat(t.locked("lan")).isTrue();
        assertThat(t.locked("minh")).as("another name is not locked").isFalse();
        clock.advance(Duration.ofMinutes(14));
        assertThat(t.locked("lan")).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(t.locked("lan")).isFalse();
        assertThat(t.failed("lan")).as("a new run of attempts starts at one").isFalse();
        t.succeeded("lan");
        assertThat(t.locked("lan")).isFalse();
    }

    @Test
    void sessionsExpireWhenIdleAndAtTheirAbsoluteLimit() {
        MutableClock clock = new MutableClock(T0);
        Sessions s = new Sessions(Duration.ofMinutes(30), Duration.ofHours(2), clock);
        Sessions.Session a = s.open(user("lan", ConsoleUser.Role.ANALYST, null));
        assertThat(a.id()).hasSizeGreaterThan(40).isNotEqualTo(a.csrf());
        clock.advance(Duration.ofMinutes(29));
        assertThat(s.find(a.id())).isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(s.find(a.id())).as("activity extends the idle timeout").isPresent();
        clock.advance(Duration.ofMinutes(30));
        assertThat(s.find(a.id())).as("idle for 30 minutes").isEmpty();

        Sessions.Session b = s.open(user("lan", ConsoleUser.Role.ANALYST, null));
        for (int i = 0; i < 8; i++) {
            clock.advance(Duration.ofMinutes(15));
            s.find(b.id());
        }
        assertThat(s.find(b.id())).as("two hours at most").isEmpty();
        assertThat(s.find(null)).isEmpty();
        assertThat(s.find("made-up")).isEmpty();
    }

    @Test
    void theCsrfTokenIsTheSessionsOwn() {
        Sessions s =
                new Sessions(Duration.ofMinutes(30), Duration.ofHours(2), new MutableClock(T0));
        Sessions.Session a = s.open(user("lan", ConsoleUser.Role.ANALYST, null));
        Sessions.Session b = s.open(user("minh", ConsoleUser.Role.ANALYST, null));
        assertThat(Sessions.csrfMatches(a, a.csrf())).isTrue();
        assertThat(Sessions.csrfMatches(a, b.csrf())).isFalse();
        assertThat(Sessions.csrfMatches(a, null)).isFalse();
        assertThat(Sessions.csrfMatches(a, "")).isFalse();
    }

    @Test
    void everyMarkupCharacterIsEscaped() {
        assertThat(Html.text("<script>alert('x')</script> & \"q\" `t`"))
                .isEqualTo(
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &#96;t&#96;");
        assertThat(Html.text("a\u0000b")).isEqualTo("a\uFFFDb");
        assertThat(Html.text(null)).isEmpty();
        assertThat(Html.safeLink("https://attack.mitre.org/techniques/T1110/")).isTrue();
        assertThat(Html.safeLink("javascript:alert(1)")).isFalse();
        assertThat(Html.safeLink("https://x\"onmouseover=\"y")).isFalse();
    }

    @Test
    void aLiaisonsQueriesAlwaysCarryItsDepartment() {
        ConsoleUser liaison = user("minh", ConsoleUser.Role.LIAISON, "so-yt");
        AlertQueueFilter asksForAnother =
                AlertQueueFilter.from(
                        Map.of("department", "so-tc", "range", "all"), liaison.zone());
        List<Query> q = ConsoleData.scoped(liaison, asksForAnother, T0);
        assertThat(q.toString())
                .contains("\"organization.id\":{\"value\":\"so-yt\"}")
                // Both terms must match: so-yt and so-tc together match nothing.
                .contains("\"organization.id\":{\"value\":\"so-tc\"}");
        ConsoleUser analyst = user("lan", ConsoleUser.Role.ANALYST, null);
        assertThat(
                        ConsoleData.scoped(
                                analyst,
                                AlertQueueFilter.from(Map.of("range", "all"), analyst.zone()),
                                T0))
                .isEmpty();
        assertThat(liaison.mayAccess("so-yt")).isTrue();
        assertThat(liaison.mayAccess("so-tc")).isFalse();
        assertThat(liaison.mayAccess(null)).isFalse();
        assertThat(analyst.mayAccess("so-tc")).isTrue();
        assertThatThrownBy(() -> user("x", ConsoleUser.Role.LIAISON, null))
                .hasMessageContaining("department");
    }

    @Test
    void requestValuesOfTheWrongShapeDoNotFilter() {
        AlertQueueFilter f =
                AlertQueueFilter.from(
                        Map.of(
                                "severity", "urgent",
                                "status", "open",
                                "department", "so-yt\"}}",
                                "range", "forever",
                                "after", "not base64!",
                                "from", "2026-12-03T08:30"),
                        ConsoleUser.DEFAULT_ZONE);
        assertThat(f.severity()).isNull();
        assertThat(f.status()).isEqualTo("open");
        assertThat(f.department()).isNull();
        assertThat(f.range()).isEqualTo(AlertQueueFilter.DEFAULT_RANGE);
        assertThat(f.after()).isNull();
        assertThat(f.from()).isEqualTo(Instant.parse("2026-12-03T01:30:00Z"));
        AlertQueueFilter.Cursor c = new AlertQueueFilter.Cursor(1764748800000L, "abc-123");
        assertThat(
                        AlertQueueFilter.from(Map.of("after", c.encode()), ConsoleUser.DEFAULT_ZONE)
                                .after())
                .isEqualTo(c);
    }

    @Test
    void aStatusChangeIsTheLoggedInUsersAndWellFormed() {
        ConsoleUser u = user("lan", ConsoleUser.Role.ANALYST, null);
        AlertStatusChange ack =
                ConsoleServer.change(u, "a1", Map.of("action", "ack", "by", "mallory"));
        assertThat(ack.status).isEqualTo(AlertStatusChange.ACKNOWLEDGED);
        assertThat(ack.by).as("the user, never a request field").isEqualTo("lan");
        AlertStatusChange close =
                ConsoleServer.change(
                        u, "a1", Map.of("action", "close", "disposition", "fp", "note", " seen "));
        assertThat(close.disposition).isEqualTo(AlertStatusChange.FALSE_POSITIVE);
        assertThat(close.comment).isEqualTo("seen");
        assertThat(ConsoleServer.change(u, "a1", Map.of("action", "close"))).isNull();
        assertThat(ConsoleServer.change(u, "a1", Map.of("action", "reopen"))).isNull();
        assertThat(ConsoleServer.change(u, "a1", Map.of("action", "close", "disposition", "maybe")))
                .isNull();
    }

    @Test
    void theUsersFileNamesWhatIsWrong() {
        String hash = PasswordHashes.hash("correct horse".toCharArray(), 1000);
        ConsoleUser u = ConsoleUsers.parseLine("minh:liaison:so-yt:en:-:" + hash);
        assertThat(u.scope()).isEqualTo("so-yt");
        assertThat(u.zone()).isEqualTo(ConsoleUser.DEFAULT_ZONE);
        assertThat(ConsoleUsers.parseLine(ConsoleUsers.line(u))).isEqualTo(u);
        assertThat(ConsoleUsers.parseLine("lan:analyst:-:-:-:" + hash).language()).isEqualTo("vi");
        assertThatThrownBy(() -> ConsoleUsers.parseLine("lan:analyst:-:vi:-:secret"))
                .hasMessageContaining("hash");
        assertThatThrownBy(() -> ConsoleUsers.parseLine("lan:boss:-:vi:-:" + hash))
                .hasMessageContaining("role");
        assertThatThrownBy(() -> ConsoleUsers.parseLine("minh:liaison:-:vi:-:" + hash))
                .hasMessageContaining("department");
        assertThatThrownBy(() -> ConsoleUsers.parseLine("lan:analyst:-:fr:-:" + hash))
                .hasMessageContaining("language");
    }

    @Test
    void bothLanguagesHaveEveryWord() {
        assertThat(Messages.complete()).isTrue();
        assertThat(Messages.get("vi", "nav.alerts")).isEqualTo("Cảnh báo");
        assertThat(Messages.get("en", "nav.alerts")).isEqualTo("Alerts");
        assertThat(Messages.get("fr", "no.such.key")).isEqualTo("no.such.key");
        assertThat(Pages.loginPage(null, null)).contains("id=\"user\"", "lang=\"vi\"");
        assertThat(Pages.loginPage("en", "<b>")).contains("lang=\"en\"", "&lt;b&gt;");
    }

    @Test
    void sourceHealthReadsTheJobsLastEventGaugesOldestFirst() {
        String metrics =
                "# HELP soc_last_event_timestamp_seconds newest record\n"
                        + "soc_last_event_timestamp_seconds{department=\"so-yt\",source=\"syslog\"} 1.7647488E9\n"
                        + "soc_last_event_timestamp_seconds{department=\"so-tc\",source=\"winlog\"} 1.7647E9\n"
                        + "soc_last_event_timestamp_seconds{department=\"so-x\",source=\"web\"} NaN\n"
                        + "soc_decode_received_total{department=\"so-yt\",source=\"syslog\"} 5.0\n";
        List<SourceHealth.Source> s = SourceHealth.parse(metrics);
        assertThat(s).extracting(SourceHealth.Source::department).containsExactly("so-tc", "so-yt");
        assertThat(s.get(1).lastEventMillis()).isEqualTo(1764748800000L);
    }
}
