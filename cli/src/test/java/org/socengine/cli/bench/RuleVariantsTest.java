package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.engine.CompiledRule;

/** The benchmark's generated rule sets: distinct rules that all compile. */
class RuleVariantsTest {

    private static final List<RuleDefinition> LIBRARY =
            RuleVariants.library(Path.of("..", "rules", "detections"));

    @Test
    void streamsAreNarrowedToTheDepartmentAndNothingElseChanges() {
        assertThat(
                        RuleVariants.scopeToDepartment(
                                "select * from Auth(event.outcome = 'failure' or user.name = 'Auth')"
                                        + "#time(60 sec) group by source.ip",
                                "so-yt"))
                .isEqualTo(
                        "select * from Auth(organization.id = 'so-yt' and (event.outcome ="
                                + " 'failure' or user.name = 'Auth'))#time(60 sec) group by"
                                + " source.ip");
        assertThat(RuleVariants.scopeToDepartment("select * from Network#time(1 min)", "so-tc"))
                .isEqualTo("select * from Network(organization.id = 'so-tc')#time(1 min)");
        // A type after "as" and a property that happens to share a stream's name stay as they are.
        assertThat(
                        RuleVariants.scopeToDepartment(
                                "create window W#unique(organization.id) as Event;"
                                        + " select fields('Process') from Process()",
                                "so-yt"))
                .isEqualTo(
                        "create window W#unique(organization.id) as Event;"
                                + " select fields('Process') from Process(organization.id ="
                                + " 'so-yt')");
    }

    @Test
    void everyLibraryRuleNarrowedToADepartmentStillCompiles() throws Exception {
        // One variant of each rule: the shapes that a 1,000-rule department set is made of.
        List<RuleDefinition> variants =
                RuleVariants.generate(
                        LIBRARY,
                        LIBRARY.size() * 2,
                        RuleVariants.Kind.DEPARTMENTS,
                        List.of("so-yt", "so-tc"));
        List<CompiledRule> compiled = RuleVariants.compile(variants);
        assertThat(compiled).hasSize(variants.size());
        Set<String> ids = new HashSet<>();
        List<String> notNarrowed = new ArrayList<>();
        for (RuleDefinition d : variants.subList(LIBRARY.size(), variants.size())) {
            ids.add(d.id());
            if (!d.epl().contains("organization.id = 'so-")) {
                notNarrowed.add(d.file());
            }
        }
        assertThat(ids).hasSize(variants.size() - LIBRARY.size());
        assertThat(notNarrowed).isEmpty();
    }
}
