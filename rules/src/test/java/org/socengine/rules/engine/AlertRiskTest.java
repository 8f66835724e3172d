package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

/** The criticality of the assets in an alert's evidence raises its risk score. */
class AlertRiskTest {

    private static SecurityEvent on(String criticality) {
        SecurityEvent e = new SecurityEvent();
        e.field("asset.criticality", criticality);
        return e;
    }

    @Test
    void theMostCriticalAssetOfTheEvidenceRaisesTheRuleScore() {
        Map<String, String> details = new LinkedHashMap<>();
        int score =
                AlertFactory.withAssetCriticality(
                        70, List.of(on("low"), on("critical"), on("medium")), details);
        assertThat(score).isEqualTo(95);
        assertThat(details)
                .containsEntry("risk.base_score", "70")
                .containsEntry("risk.asset_criticality", "critical");

        assertThat(
                        AlertFactory.withAssetCriticality(
                                90, List.of(on("critical")), new LinkedHashMap<>()))
                .isEqualTo(100);
        assertThat(
                        AlertFactory.withAssetCriticality(
                                50, List.of(on("high")), new LinkedHashMap<>()))
                .isEqualTo(65);
    }

    @Test
    void noAssetOrALowOneLeavesTheScoreAndTheDetailsAlone() {
        Map<String, String> details = new LinkedHashMap<>();
        assertThat(
                        AlertFactory.withAssetCriticality(
                                40, List.of(new SecurityEvent(), on("low")), details))
                .isEqualTo(40);
        assertThat(details).isEmpty();
    }
}
