package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleParser;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleTestRunner;

/** Fixtures run as the job routes events: a rule sees what its family is sent, nothing more. */
class RoutedFixturesTest {

    private static CompiledRule rule(String groupBy, String eplGroup) throws Exception {
        String yaml =
                String.join(
                        "\n",
                        "id: 5b0f3c2e-6a1d-4f7e-9c8b-1d2e3f4a5b6c",
                        "name: Three failures from one entity",
                        "version: 1",
                        "severity: low",
                        "risk_score: 10",
                        "tags: [attack.credential_access, attack.t1110]",
                        "reads: [winlog]",
                        "group_by: " + groupBy,
                        "epl: |",
                        "  select window(*) as evidence from Event(event.module = 'winlog'"
                                + " and event.outcome = 'failure')#time(60 sec)",
                        "  group by " + eplGroup + " having count(*) >= 3",
                        "");
        return new RuleCompiler().compile(RuleParser.parse("mem/r.yml", yaml));
    }

    private static List<SecurityEvent> failures(String ip, String workstation) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SecurityEvent e = new SecurityEvent();
            e.timestamp = 1_764_000_000_000L + i * 1_000L;
            e.ensureEvent().module = "winlog";
            e.event.outcome = "failure";
            e.event.category = "authentication";
            if (ip != null) {
                e.ensureSource().ip = ip;
            }
            if (workstation != null) {
                e.ensureSource().domain = workstation;
            }
            out.add(e);
        }
        return out;
    }

    @Test
    void anEventWithOneOfTheGroupFieldsReachesTheRule() throws Exception {
        CompiledRule r = rule("[source.ip, source.domain]", "coalesce(source.ip, source.domain)");
        assertThat(RoutedFixtures.replay(r, failures(null, "WS-QX-07"))).hasSize(1);
        assertThat(RoutedFixtures.replay(r, failures("10.20.5.77", null))).hasSize(1);
    }

    @Test
    void anEventWithNoneOfTheGroupFieldsNeverReachesTheRule() throws Exception {
        CompiledRule r = rule("[source.ip]", "source.ip");
        List<SecurityEvent> noAddress = failures(null, "WS-QX-07");
        // One engine alone groups them under a null address; the job never sends them.
        assertThat(RuleTestRunner.replay(r, noAddress)).hasSize(1);
        assertThat(RoutedFixtures.replay(r, noAddress)).isEmpty();
    }
}
