package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.socengine.model.Json;

/**
 * The million-record fuzz run of {@code ./soc bench --fuzz} in small: 20,000 hostile records of
 * every source through the job's decode path, every one accounted for. Mutations add at most 4 KiB
 * here so that the test command stays quick; records of the full 1 MiB are the million-record run's
 * (docs/benchmarks.md, "Fuzzing") and each decoder's LargeRecordTimingTest.
 */
class FuzzRunTest {

    @Test
    void everyHostileRecordIsAccountedFor() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FuzzRun.Result r =
                new FuzzRun(
                                20_000,
                                20261125,
                                4096,
                                new PrintStream(log, true, StandardCharsets.UTF_8))
                        .run();
        String findings = log.toString(StandardCharsets.UTF_8);

        assertThat(r.received()).isEqualTo(20_000);
        assertThat(r.decoded() + r.deadLettered() + r.skipped()).isEqualTo(r.received());
        assertThat(r.balanced()).isTrue();
        assertThat(r.escaped()).as(findings).isZero();
        assertThat(r.internalErrors()).as(findings).isZero();
        assertThat(r.ok()).isTrue();
        // the records are hostile and yet realistic: many decode, many are refused, for many
        // reasons
        assertThat(r.decoded()).isGreaterThan(2_000);
        assertThat(r.deadLettered()).isGreaterThan(5_000);
        assertThat(r.deadLetteredByReason().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(r.deadLettered());
        assertThat(r.deadLetteredByReason())
                .containsKeys("malformed", "not_utf8", "department_mismatch");
        assertThat(r.byKind().keySet()).containsExactlyInAnyOrder(RecordMutator.Kind.values());

        JsonNode summary = Json.mapper().readTree(r.toJson());
        assertThat(summary.get("received").asLong()).isEqualTo(20_000);
        assertThat(summary.get("escaped").asLong()).isZero();
        assertThat(summary.get("balanced").asBoolean()).isTrue();
        assertThat(summary.has("peak_heap_mib")).isTrue();
        assertThat(summary.has("records_per_second")).isTrue();
    }

    @Test
    void sameSeedSameCounts() {
        PrintStream quiet =
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        FuzzRun.Result a = new FuzzRun(2_000, 42, 4096, quiet).run();
        FuzzRun.Result b = new FuzzRun(2_000, 42, 4096, quiet).run();
        assertThat(b.decoded()).isEqualTo(a.decoded());
        assertThat(b.deadLetteredByReason()).isEqualTo(a.deadLetteredByReason());
        assertThat(b.byKind()).isEqualTo(a.byKind());
    }
}
