package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.EventStreams;

/**
 * Which library rules a replay of given sources leaves out: those reading only streams no event of
 * the sources can enter, and no other; a source that does not declare what it produces keeps every
 * rule.
 */
class RuleSetsForStreamsTest {

    private static final Path LIBRARY = Path.of("..", "rules", "detections");

    @Test
    void syslogCanReachEveryStreamButIds() {
        assertThat(RuleSets.streamsOf(List.of("syslog")))
                .containsExactlyInAnyOrder(
                        "Event", "Auth", "Process", "Network", "Dns", "Web", "Iam", "File", "Host");
        assertThat(RuleSets.streamsOf(List.of("web"))).containsExactlyInAnyOrder("Event", "Web");
        assertThat(RuleSets.streamsOf(List.of("web", "dns")))
                .containsExactlyInAnyOrder("Event", "Web", "Network", "Dns");
        assertThat(RuleSets.streamsOf(List.of("web", "winlog")))
                .isEqualTo(EventStreams.STREAMS.keySet());
    }

    @Test
    void aRuleIsLeftOutOnlyWhenItReadsNoneOfTheStreams() throws Exception {
        Set<String> web = RuleSets.streamsOf(List.of("web"));
        RuleSets.ForStreams set = RuleSets.compileReading(LIBRARY, null, web);
        List<CompiledRule> all = RuleSets.compileAll(LIBRARY);
        assertThat(set.compiled().size() + set.skipped().size()).isEqualTo(all.size());
        assertThat(set.skipped()).isNotEmpty();
        for (CompiledRule r : all) {
            boolean reads = r.streams().stream().anyMatch(web::contains);
            boolean kept = set.compiled().stream().anyMatch(c -> c.id().equals(r.id()));
            assertThat(kept).as(r.id() + " reads " + r.streams()).isEqualTo(reads);
        }
        for (RuleDefinition d : set.skipped()) {
            assertThat(EventStreams.namedIn(d.epl())).doesNotContainAnyElementsOf(web);
        }
    }
}
