package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.library.RuleRepository;

/**
 * The stream names read off an EPL's text without a parse ({@link EventStreams#namedIn}), which
 * {@code ./soc detect} uses to leave out rules no event of its sources could reach, hold every
 * stream the sandbox's parse finds; and the streams of a set of categories follow the streams'
 * membership tests.
 */
class EventStreamsTest {

    @Test
    void theNamesInTheTextHoldEveryStreamTheSandboxFindsInEveryLibraryRule() throws Exception {
        List<Path> files = RuleRepository.ruleFiles(Path.of("..", "rules", "detections"));
        assertThat(files).hasSizeGreaterThan(40);
        for (Path file : files) {
            RuleDefinition def = RuleParser.parse(file);
            EplSandbox.Analysis a = EplSandbox.analyze(def.epl());
            assertThat(a.streams()).as(file.toString()).isNotEmpty();
            assertThat(EventStreams.namedIn(def.epl()))
                    .as(file.toString())
                    .containsAll(a.streams());
        }
    }

    @Test
    void namesInStringsAndCommentsAreNotStreamsAndEscapedNamesAre() {
        assertThat(EventStreams.namedIn("select * from Auth(event.module = 'Web')"))
                .containsExactly("Auth");
        assertThat(EventStreams.namedIn("select * from Auth(x = \"Dns \\\" Ids\")"))
                .containsExactly("Auth");
        assertThat(EventStreams.namedIn("// from Web\n/* Dns */ select * from Network"))
                .containsExactly("Network");
        assertThat(EventStreams.namedIn("select * from `Ids`")).containsExactly("Ids");
        assertThat(EventStreams.namedIn("select * from Websites, Auth_x, web"))
                .as("whole identifiers, case as Esper's type names")
                .isEmpty();
        assertThat(
                        EventStreams.namedIn(
                                "select * from pattern [every a=Auth(x=1) -> b=Process(y=2)]"))
                .containsExactlyInAnyOrder("Auth", "Process");
        assertThat(EventStreams.namedIn("select 'unterminated")).isEmpty();
    }

    @Test
    void theSandboxAgreesOnWhatTheTestsAbovePinDown() {
        String epl =
                "select * from pattern [every a=Auth(x=1) -> b=Process(y=2) where timer:within(1 min)]";
        assertThat(EventStreams.namedIn(epl)).containsAll(EplSandbox.analyze(epl).streams());
    }

    @Test
    void theStreamsOfCategoriesFollowTheMembershipTests() {
        assertThat(EventStreams.producible(Set.of(), false)).containsExactly("Event");
        assertThat(EventStreams.producible(Set.of("authentication", "web"), false))
                .containsExactlyInAnyOrder("Event", "Auth", "Web");
        assertThat(EventStreams.producible(Set.of("network"), true))
                .containsExactlyInAnyOrder("Event", "Network", "Dns");
        assertThat(EventStreams.producible(Set.of("intrusion_detection"), false))
                .containsExactlyInAnyOrder("Event", "Ids");
    }
}
