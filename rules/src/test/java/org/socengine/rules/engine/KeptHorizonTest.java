package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

/**
 * How long a restore needs an event: the longest kept horizon of the rules that can read it. A
 * rule's constant conditions decide which events it can read; a keyed window needs no horizon.
 */
class KeptHorizonTest {

    private static final String SILENCE =
            "create window LastSeen#unique(organization.id, event.module)#time(24 hours) as Event;\n"
                    + "insert into LastSeen\n"
                    + "  select * from Event(organization.id is not null and event.module is not null);\n"
                    + "select s as last_event from Event as e unidirectional, LastSeen as s\n"
                    + "  where s.organization.id = e.organization.id and s.event.module != e.event.module\n"
                    + "    and e.timestamp >= s.timestamp + 1800000";

    private static final String LOCKOUTS =
            "select count(*) as n from Event(event.module = 'winlog' and event.code = '4740')#time(15 min)\n"
                    + "group by source.ip having count(*) >= 3";

    private static SecurityEvent winlog(String code) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_795_852_800_000L;
        e.ensureEvent().module = "winlog";
        e.ensureEvent().code = code;
        e.ensureOrganization().id = "ubnd-h-quangxuong";
        e.ensureSource().ip = "10.20.7.5";
        return e;
    }

    @Test
    void anEventOnlyAKeyedWindowReadsNeedsNoHorizon() throws Exception {
        CompiledRule silence = DetectionEngineBudgetTest.rule("silence", 1, "", SILENCE);
        CompiledRule lockouts = DetectionEngineBudgetTest.rule("lockouts", 1, "", LOCKOUTS);
        assertThat(silence.horizonMillis()).isEqualTo(86_400_000);
        assertThat(silence.keptHorizonMillis()).isZero();
        try (DetectionEngine both = new DetectionEngine("kept-both", List.of(silence, lockouts));
                DetectionEngine one = new DetectionEngine("kept-one", List.of(lockouts))) {
            assertThat(both.horizonMillis()).isEqualTo(86_400_000);
            assertThat(both.keptHorizonMillis()).isEqualTo(900_000);
            // A logon: only the silence rule reads it, and keeps its last per source itself.
            assertThat(both.keptHorizonFor(winlog("4624"))).isZero();
            assertThat(both.keptHorizonFor(winlog("4740"))).isEqualTo(900_000);
            // Rules that all keep the same horizon: routing already chose the engine's events.
            assertThat(one.keptHorizonFor(winlog("4624"))).isEqualTo(900_000);
        }
    }
}
