package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;

/** The policy file: the sample reads, and each kind of mistake is one located problem. */
class EscalationPolicyTest {

    /** A small valid policy; tests replace one line to make one mistake. */
    static final String VALID =
            """
            version: 1
            grouping:
              window: 1h
              expire_after: 7d
            risk:
              rule_cap: 60
              tactic_bonus: 15
              bands: {medium: 40, high: 80, critical: 150}
            channels:
              - name: oncall
                type: webhook
                settings: {url: "http://127.0.0.1:9/hook", secret: "env:HOOK_SECRET"}
              - name: soc
                type: mattermost
                settings: {url: "http://127.0.0.1:9/mm"}
              - name: ciso
                type: email
                settings: {to: ciso@example.org, from: soc@example.org, host: mail.example.org}
            defaults:
              time_zone: Asia/Ho_Chi_Minh
              quiet_hours: {from: "22:00", to: "06:30"}
              renotify_every: 2h
              tiers:
                high:
                  - name: on-call
                    channels: [oncall]
                    ack_within: 15m
                  - name: provincial SOC
                    channels: [soc]
                    ack_within: 45m
                  - name: CISO
                    channels: [ciso]
            departments:
              so-yt:
                renotify_every: 1h
            """;

    private static List<RuleProblem> problems(String yaml) {
        try {
            EscalationPolicy.parse("policy.yml", yaml);
        } catch (RuleValidationException e) {
            return e.problems();
        }
        throw new AssertionError("the policy was accepted");
    }

    private static RuleProblem oneProblem(String from, String to) {
        assertThat(VALID).contains(from);
        List<RuleProblem> p = problems(VALID.replace(from, to));
        assertThat(p).as(p.toString()).hasSize(1);
        return p.get(0);
    }

    private static int lineOf(String text) {
        String[] lines = VALID.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }

    @Test
    void theSamplePolicyReads() throws Exception {
        EscalationPolicy p =
                EscalationPolicy.load(Path.of("..", "config", "escalation-policy.yml"));
        assertThat(p.window()).isEqualTo(Duration.ofHours(1));
        assertThat(p.forDepartment("so-yt").tiers("high"))
                .extracting(EscalationPolicy.Tier::ackWithin)
                .containsExactly(Duration.ofMinutes(15), Duration.ofMinutes(45), null);
        assertThat(p.forDepartment("unknown-department").tiers("critical")).hasSize(3);
        assertThat(p.forDepartment("so-tc").renotifyEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(p.forDepartment("so-tc").quietHours()).isNotNull();
        assertThat(EscalationPolicy.bundled().channels()).containsKey("ciso-mail");
    }

    @Test
    void aValidPolicyReadsWithDepartmentOverrides() throws Exception {
        EscalationPolicy p = EscalationPolicy.parse("policy.yml", VALID);
        assertThat(p.forDepartment("so-yt").renotifyEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(p.forDepartment("so-yt").tiers("high")).hasSize(3);
        assertThat(p.forDepartment("so-tc").renotifyEvery()).isEqualTo(Duration.ofHours(2));
        assertThat(p.severityOf(39)).isEqualTo("low");
        assertThat(p.severityOf(40)).isEqualTo("medium");
        assertThat(p.severityOf(80)).isEqualTo("high");
        assertThat(p.severityOf(150)).isEqualTo("critical");
        assertThat(p.channels().get("oncall").settings())
                .containsEntry("secret", "env:HOOK_SECRET");
    }

    @Test
    void duplicateKeyIsRefused() {
        RuleProblem p = oneProblem("  rule_cap: 60\n", "  rule_cap: 60\n  rule_cap: 70\n");
        assertThat(p.message()).contains("duplicate key 'rule_cap'");
        assertThat(p.line()).isEqualTo(lineOf("rule_cap") + 1);
    }

    @Test
    void invalidYamlIsRefusedWithItsLine() {
        List<RuleProblem> p = problems("version: 1\nchannels: [a\n");
        assertThat(p).singleElement().asString().contains("policy.yml:").contains("invalid YAML");
    }

    @Test
    void unknownKeyIsRefused() {
        RuleProblem p =
                oneProblem("  renotify_every: 2h\n", "  renotify_every: 2h\n  escalate: yes\n");
        assertThat(p.message()).contains("unknown key 'defaults.escalate'");
    }

    @Test
    void missingRequiredKeyIsRefused() {
        List<RuleProblem> p = problems(VALID.replace("version: 1\n", ""));
        assertThat(p).singleElement().asString().contains("missing required key 'version'");
    }

    @Test
    void unknownChannelTypeIsRefused() {
        RuleProblem p = oneProblem("type: mattermost", "type: pager");
        assertThat(p.message()).contains("must be one of").contains("pager");
        assertThat(p.line()).isEqualTo(lineOf("type: mattermost"));
    }

    @Test
    void duplicateChannelIsRefused() {
        RuleProblem p =
                oneProblem(
                        "  - name: soc\n",
                        "  - name: oncall\n    type: mattermost\n    settings: {url: \"http://127.0.0.1:9/mm\"}\n  - name: soc\n");
        assertThat(p.message()).contains("channel 'oncall' is declared twice");
    }

    @Test
    void unknownChannelInATierIsRefused() {
        RuleProblem p = oneProblem("channels: [soc]", "channels: [soc-chat]");
        assertThat(p.message()).contains("unknown channel 'soc-chat'");
        assertThat(p.line()).isEqualTo(lineOf("channels: [soc]"));
    }

    @Test
    void channelListedTwiceInATierIsRefused() {
        RuleProblem p = oneProblem("channels: [soc]", "channels: [soc, soc]");
        assertThat(p.message()).contains("'soc' is listed twice");
    }

    @Test
    void aTierWithoutChannelsIsRefused() {
        RuleProblem p = oneProblem("channels: [ciso]", "channels: []");
        assertThat(p.message()).contains("needs at least 1 item");
    }

    @Test
    void missingAckDeadlineBeforeTheLastTierIsRefused() {
        RuleProblem p = oneProblem("        ack_within: 45m\n", "");
        assertThat(p.message()).contains("needs ack_within");
        assertThat(p.line()).isEqualTo(lineOf("name: provincial SOC"));
    }

    @Test
    void badDurationIsRefused() {
        RuleProblem p = oneProblem("ack_within: 15m", "ack_within: 15 fortnights");
        assertThat(p.message()).contains("ack_within").contains("not a duration");
    }

    @Test
    void zeroWindowIsRefused() {
        RuleProblem p = oneProblem("window: 1h", "window: 0m");
        assertThat(p.message()).contains("grouping.window must be longer than 0");
    }

    @Test
    void expiryShorterThanTheWindowIsRefused() {
        RuleProblem p = oneProblem("expire_after: 7d", "expire_after: 30m");
        assertThat(p.message()).contains("must not be shorter than grouping.window");
    }

    @Test
    void tooShortReminderIntervalIsRefused() {
        RuleProblem p = oneProblem("renotify_every: 2h", "renotify_every: 10s");
        assertThat(p.message()).contains("at least 1m");
    }

    @Test
    void unknownTimeZoneIsRefused() {
        RuleProblem p = oneProblem("Asia/Ho_Chi_Minh", "Asia/Thanh_Hoa");
        assertThat(p.message()).contains("unknown time zone 'Asia/Thanh_Hoa'");
    }

    @Test
    void badQuietHoursTimeIsRefused() {
        RuleProblem p = oneProblem("to: \"06:30\"", "to: \"6h30\"");
        assertThat(p.message()).contains("quiet_hours.to");
    }

    @Test
    void emptyQuietHoursAreRefused() {
        RuleProblem p = oneProblem("to: \"06:30\"", "to: \"22:00\"");
        assertThat(p.message()).contains("from and to are both 22:00");
    }

    @Test
    void bandsThatDoNotIncreaseAreRefused() {
        RuleProblem p = oneProblem("high: 80", "high: 200");
        assertThat(p.message()).contains("risk.bands must increase");
    }

    @Test
    void negativeBonusIsRefused() {
        RuleProblem p = oneProblem("tactic_bonus: 15", "tactic_bonus: -5");
        assertThat(p.message()).contains("risk.tactic_bonus").contains("at least 0");
    }

    @Test
    void unknownSeverityIsRefused() {
        RuleProblem p = oneProblem("    high:\n", "    severe:\n");
        assertThat(p.message()).contains("unknown key 'defaults.tiers.severe'");
    }

    @Test
    void badDepartmentIdIsRefused() {
        RuleProblem p = oneProblem("  so-yt:", "  Sở Y tế:");
        assertThat(p.message()).contains("department id 'Sở Y tế'");
    }

    @Test
    void anchorsAreRefused() {
        List<RuleProblem> p =
                problems(
                        VALID.replace("channels: [oncall]", "channels: &c [oncall]")
                                .replace("channels: [soc]", "channels: *c"));
        assertThat(p).anySatisfy(x -> assertThat(x.message()).contains("anchors and aliases"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<RuleProblem> p =
                problems(
                        VALID.replace("type: mattermost", "type: pager")
                                .replace("channels: [ciso]", "channels: [cso]")
                                .replace("Asia/Ho_Chi_Minh", "Mars/Olympus"));
        assertThat(p).hasSize(3);
        assertThat(p).allSatisfy(x -> assertThat(x.toString()).startsWith("policy.yml:"));
    }

    @Test
    void quietHoursEndInTheDepartmentsZone() {
        ZoneId hcm = ZoneId.of("Asia/Ho_Chi_Minh");
        EscalationPolicy.QuietHours q =
                new EscalationPolicy.QuietHours(
                        java.time.LocalTime.of(22, 0), java.time.LocalTime.of(6, 30));
        // 16:00 UTC is 23:00 in Ho Chi Minh City: quiet until 06:30 local, 23:30 UTC.
        long at = Instant.parse("2026-11-20T16:00:00Z").toEpochMilli();
        assertThat(q.endAfter(at, hcm))
                .isEqualTo(Instant.parse("2026-11-20T23:30:00Z").toEpochMilli());
        // 20:00 UTC is 03:00 local the next day: same end.
        long night = Instant.parse("2026-11-20T20:00:00Z").toEpochMilli();
        assertThat(q.endAfter(night, hcm))
                .isEqualTo(Instant.parse("2026-11-20T23:30:00Z").toEpochMilli());
        // 03:00 UTC is 10:00 local: not quiet.
        assertThat(q.endAfter(Instant.parse("2026-11-20T03:00:00Z").toEpochMilli(), hcm))
                .isEqualTo(-1);
    }

    @Test
    void samePolicyTextGivesAnEqualPolicy() throws Exception {
        assertThatThrownBy(() -> EscalationPolicy.parse("p.yml", ""))
                .isInstanceOf(RuleValidationException.class);
    }
}
