package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.socengine.model.Json;

/** {@code ./soc bench --fuzz}: no services, one NDJSON summary on stdout, the exit code says. */
class BenchFuzzCommandTest {

    @Test
    void printsOneBalancedSummary() throws Exception {
        CommandRun run =
                CommandRun.of(
                        "bench",
                        "--fuzz",
                        "--records",
                        "3000",
                        "--seed",
                        "9",
                        "--max-field-bytes",
                        "4096");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode s = Json.mapper().readTree(run.outLines().get(0));
        assertThat(s.get("received").asLong()).isEqualTo(3000);
        assertThat(
                        s.get("decoded").asLong()
                                + s.get("dead_lettered").asLong()
                                + s.get("skipped").asLong())
                .isEqualTo(3000);
        assertThat(s.get("escaped").asLong()).isZero();
        assertThat(s.get("dead_lettered_by_reason").size()).isPositive();
    }

    @Test
    void refusesNoRecords() {
        CommandRun run = CommandRun.of("bench", "--fuzz", "--records", "0");
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--records must be at least 1");
    }
}
