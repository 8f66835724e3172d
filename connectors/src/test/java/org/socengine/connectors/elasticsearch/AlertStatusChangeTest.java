package org.socengine.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void lifecycleMovesForwardOnlyAndClosedIsFinal() throws Exception {
        AlertStatusChange ack = AlertStatusChange.acknowledge("a1", "lan", AT);
        AlertStatusChange fp = AlertStatusChange.close("a1", "false_positive", "lan", AT, null);
        AlertStatusChange tp = AlertStatusChange.close("a1", "true_positive", "lan", AT, null);
        AlertStatusChange reopen = AlertStatusChange.of("a1", "open", null, "lan", AT, null);

        assertThat(AlertStatusWriter.transition(ack, "open", null)).isTrue();
        assertThat(AlertStatusWriter.transition(fp, "open", null)).isTrue();
        assertThat(AlertStatusWriter.transition(fp, "acknowledged", null)).isTrue();
        // The same change again (the job re-applying the command line's change) is a no-op.
        assertThat(AlertStatusWriter.transition(ack, "acknowledged", null)).isFalse();
        assertThat(AlertStatusWriter.transition(fp, "closed", "false_positive")).isFalse();

        assertThatThrownBy(() -> AlertStatusWriter.transition(tp, "closed", "false_positive"))
                .isInstanceOf(AlertStatusRefused.class)
                .hasMessageContaining("already closed as false_positive")
                .hasMessageContaining("final");
        assertThatThrownBy(() -> AlertStatusWriter.transition(ack, "closed", "benign"))
                .isInstanceOf(AlertStatusRefused.class);
        assertThatThrownBy(() -> AlertStatusWriter.transition(reopen, "acknowledged", null))
                .isInstanceOf(AlertStatusRefused.class)
                .hasMessageContaining("cannot go back to open");
    }
}
