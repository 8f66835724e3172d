package org.socengine.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.socengine.model.AlertStatusChange;

class AlertStatusWriterTest {

    private static final long AT = 1_795_000_000_000L;

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
