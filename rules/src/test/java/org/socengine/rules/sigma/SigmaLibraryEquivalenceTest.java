package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleSetRoot;
import org.socengine.rules.RuleTestCase;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleTestRunner;

/**
 * The library's brute-force and password-spraying rules and their Sigma correlations ({@code
 * rules/sigma}) raise the same alerts: same number, same entities, same counts, same windows, on
 * the native rules' own fixtures and on a long random stream of logons.
 */
class SigmaLibraryEquivalenceTest {

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(
                        "detections/syslog/credential_access_ssh_brute_force.yml",
                        "sigma/syslog/credential_access_ssh_brute_force.yml",
                        "ssh"),
                Arguments.of(
                        "detections/syslog/credential_access_ssh_password_spraying.yml",
                        "sigma/syslog/credential_access_ssh_password_spraying.yml",
                        "ssh"),
                Arguments.of(
                        "detections/syslog/credential_access_ssh_invalid_user_storm.yml",
                        "sigma/syslog/credential_access_ssh_invalid_user_storm.yml",
                        "ssh"),
                Arguments.of(
                        "detections/web/credential_access_web_login_brute_force.yml",
                        "sigma/web/credential_access_web_login_brute_force.yml",
                        "web"),
                // Version 2 of the native Windows rules: 4625, 4771 and 4776, grouped by address
                // else workstation; in Sigma an alias over two disjoint rules says the same.
                Arguments.of(
                        "detections/winlog/credential_access_windows_logon_failure_burst.yml",
                        "sigma/winlog/credential_access_windows_logon_failure_burst.yml",
                        "windows"),
                Arguments.of(
                        "detections/winlog/credential_access_windows_password_spraying.yml",
                        "sigma/winlog/credential_access_windows_password_spraying.yml",
                        "windows"));
    }

    private static CompiledRule compile(String file) throws Exception {
        Path path = Path.of(file);
        try (RuleSetRoot.Scope s = RuleSetRoot.enter(path.getParent())) {
            return new RuleCompiler().compile(RuleParser.parse(path));
        }
    }

    /** What an analyst sees of an alert, less the rule that raised it. */
    private static List<String> seen(List<Alert> alerts) {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts) {
            List<Long> times = a.evidence.stream().map(e -> e.timestamp).toList();
            out.add(
                    a.entity
                            + " count="
                            + a.count
                            + " window="
                            + a.windowStart
                            + ".."
                            + a.windowEnd
                            + " suppressed="
                            + a.suppressedCount
                            + " evidence="
                            + times);
        }
        out.sort(null);
        return out;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("pairs")
    void sameAlertsOnTheNativeFixtures(String nativeFile, String sigmaFile, String kind)
            throws Exception {
        CompiledRule nativeRule = compile(nativeFile);
        CompiledRule sigmaRule = compile(sigmaFile);
        assertThat(sigmaRule.definition().groupBy()).isEqualTo(nativeRule.definition().groupBy());
        assertThat(nativeRule.definition().tests()).isNotEmpty();
        int alerts = 0;
        for (RuleTestCase test : nativeRule.definition().tests()) {
            List<SecurityEvent> events =
                    RuleTestRunner.readNdjson(
                            Path.of(nativeFile).getParent().resolve(test.events()));
            List<String> expected = seen(RuleTestRunner.replay(nativeRule, events));
            assertThat(seen(RuleTestRunner.replay(sigmaRule, events)))
                    .as(test.events())
                    .isEqualTo(expected);
            alerts += expected.size();
        }
        assertThat(alerts).isPositive();
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("pairs")
    void sameAlertsOnALongRandomStream(String nativeFile, String sigmaFile, String kind)
            throws Exception {
        if (kind.equals("web")) {
            return;
        }
        CompiledRule nativeRule = compile(nativeFile);
        CompiledRule sigmaRule = compile(sigmaFile);
        List<SecurityEvent> events = kind.equals("ssh") ? sshStream(7) : windowsStream(7);
        List<String> expected = seen(RuleTestRunner.replay(nativeRule, events));
        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(seen(RuleTestRunner.replay(sigmaRule, events))).isEqualTo(expected);
    }

    /**
     * A real server's three weeks of auth.log (elastic/examples, Apache-2.0), through the syslog
     * decoder: the SSH rules and their Sigma correlations raise the same alerts on it.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("pairs")
    void sameAlertsOnARealServersAuthLog(String nativeFile, String sigmaFile, String kind)
            throws Exception {
        if (!kind.equals("ssh")) {
            return;
        }
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        // The lines carry no year: the decoder takes it from the time the record arrived.
        long arrived = 1_525_132_800_000L;
        List<SecurityEvent> events = new ArrayList<>();
        for (String line :
                Files.readAllLines(
                        Path.of("src/test/resources/realdata/linux-auth/elastic_examples_auth.log"),
                        StandardCharsets.UTF_8)) {
            RawRecord raw = RawRecord.of("syslog", line);
            raw.kafkaTimestamp = arrived;
            RecordDecoder.Outcome o = decoder.decode(raw, arrived);
            if (o.event() != null) {
                events.add(o.event());
            }
        }
        CompiledRule nativeRule = compile(nativeFile);
        List<String> expected = seen(RuleTestRunner.replay(nativeRule, events));
        assertThat(expected).isNotEmpty();
        assertThat(seen(RuleTestRunner.replay(compile(sigmaFile), events))).isEqualTo(expected);
    }

    private static final long T0 = 1_795_608_000_000L;

    /** Hours of SSH logons: a few busy sources, many users, bursts and quiet spells. */
    static List<SecurityEvent> sshStream(long seed) {
        Random r = new Random(seed);
        List<SecurityEvent> out = new ArrayList<>();
        long t = T0;
        int burst = 0;
        int burstKind = 0;
        String burstIp = null;
        for (int i = 0; i < 6_000; i++) {
            if (burst == 0 && r.nextInt(150) == 0) {
                // An attack: a run of failures or unknown users from one address.
                burst = 5 + r.nextInt(20);
                burstKind = r.nextBoolean() ? 0 : 5;
                burstIp = "198.51.100." + r.nextInt(3);
            }
            t += r.nextInt(40) == 0 ? 60_000 + r.nextInt(900_000) : r.nextInt(3_000);
            SecurityEvent e = new SecurityEvent();
            e.timestamp = t;
            SecurityEvent.Event ev = e.ensureEvent();
            ev.kind = "event";
            ev.module = "syslog";
            ev.dataset = "syslog.sshd";
            ev.category = "authentication";
            int kind = burst > 0 ? burstKind : r.nextInt(10);
            ev.action = kind == 0 ? "ssh_invalid_user" : "ssh_login";
            ev.outcome = kind == 0 ? null : kind < 3 ? "success" : "failure";
            e.ensureSource().ip = burst > 0 ? burstIp : "203.0.113." + r.nextInt(5);
            e.ensureUser().name = "u" + r.nextInt(r.nextBoolean() ? 3 : 30);
            e.ensureProcess().name = "sshd";
            e.ensureHost().name = "web-0" + r.nextInt(3);
            e.ensureOrganization().id = r.nextInt(4) == 0 ? "so-tc" : "so-yt";
            out.add(e);
            burst = Math.max(0, burst - 1);
        }
        return out;
    }

    /** Hours of Windows logons (4624, 4625) on two domain controllers. */
    static List<SecurityEvent> windowsStream(long seed) {
        Random r = new Random(seed);
        List<SecurityEvent> out = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < 6_000; i++) {
            t += r.nextInt(40) == 0 ? 60_000 + r.nextInt(1_200_000) : r.nextInt(6_000);
            SecurityEvent e = new SecurityEvent();
            e.timestamp = t;
            SecurityEvent.Event ev = e.ensureEvent();
            ev.kind = "event";
            ev.module = "winlog";
            ev.dataset = "winlog.security";
            ev.category = "authentication";
            ev.provider = "Microsoft-Windows-Security-Auditing";
            boolean failed = r.nextInt(4) != 0;
            ev.code = failed ? "4625" : "4624";
            ev.outcome = failed ? "failure" : "success";
            e.ensureSource().ip = "10.12.9." + r.nextInt(4);
            String user = "acct" + r.nextInt(r.nextBoolean() ? 2 : 25);
            e.ensureUser().name = user;
            e.field("TargetUserName", user);
            e.ensureHost().name = "DC0" + r.nextInt(2);
            e.ensureOrganization().id = "so-yt";
            out.add(e);
        }
        return out;
    }
}
