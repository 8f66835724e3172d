package org.socengine.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlertStatusChangeTest {

    private static final long AT = 1_795_000_000_000L;

    @Test
    void jsonRoundTrip() throws Exception {
        AlertStatusChange c =
                AlertStatusChange.close(
                        "a1", "false_positive", "lan", AT, "backup job \"nightly\"");
        c.ruleId = "r1";
        c.groupKey = "203.0.113.5";
        c.departmentId = "so-yt";
        AlertStatusChange back = AlertStatusChange.fromJson(c.toJson());
        assertThat(back).usingRecursiveComparison().isEqualTo(c);
        assertThat(c.toJson())
                .contains("\"status\":\"closed\"", "\"disposition\":\"false_positive\"");
    }

    @Test
    void problemsNameWhatIsWrong() {
        assertThat(AlertStatusChange.acknowledge("a1", "lan", AT).problems()).isEmpty();
        assertThat(AlertStatusChange.close("a1", null, "lan", AT, null).problems())
                .singleElement()
                .asString()
                .contains("needs a disposition");
        assertThat(AlertStatusChange.close("a1", "maybe", "lan", AT, null).problems())
                .singleElement()
                .asString()
                .contains("disposition must be one of");
        assertThat(AlertStatusChange.of("a1", "acknowledged", "benign", "lan", AT, null).problems())
                .singleElement()
                .asString()
                .contains("only when closing");
        assertThat(AlertStatusChange.of("", "deleted", null, null, 0, null).problems()).hasSize(4);
    }

    @Test
    void dispositionShorthands() {
        assertThat(AlertStatusChange.normalizeDisposition("FP")).isEqualTo("false_positive");
        assertThat(AlertStatusChange.normalizeDisposition("true-positive"))
                .isEqualTo("true_positive");
        assertThat(AlertStatusChange.normalizeDisposition("Benign")).isEqualTo("benign");
    }
}
