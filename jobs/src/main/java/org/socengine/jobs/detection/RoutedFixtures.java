package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.List;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.library.RuleTestRunner;

/**
 * Rule fixtures as {@code ./soc rules test} and {@code ./soc rules deploy} run them: decoded with
 * the job's decoders, and each rule given only the events the job's router gives its family (the
 * streams it reads, the events that have one of its group fields), so that a rule cannot pass its
 * fixtures on events it would never see in the job.
 */
public final class RoutedFixtures {

    private RoutedFixtures() {}

    public static RuleTestRunner runner() {
        return new RuleTestRunner(RuleSets.fixtureDecoder(), RoutedFixtures::replay);
    }

    static List<Alert> replay(CompiledRule rule, List<SecurityEvent> events) {
        List<RuleFamilies.Family> families = RuleFamilies.of(List.of(rule)).all();
        if (families.isEmpty()) {
            // A disabled rule is in no family; its fixtures still run as written.
            return RuleTestRunner.replay(rule, events);
        }
        RuleFamilies.Family family = families.get(0);
        List<SecurityEvent> routed = new ArrayList<>();
        for (SecurityEvent e : events) {
            if (family.routedKeyOf(e) != null) {
                routed.add(e);
            }
        }
        return RuleTestRunner.replay(rule, routed);
    }
}
