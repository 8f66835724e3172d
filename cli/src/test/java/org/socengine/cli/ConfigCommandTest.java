package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.model.Json;

class ConfigCommandTest {

    @Test
    void mistakesArePrintedAsFileLineKeyMessageAndTheExitCodeIsOne(@TempDir Path dir)
            throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("soc.yml"),
                        "kafka:\n  bootstrap.servers: kafka:9092\njob:\n  parallelism: many\n");
        CommandRun r = CommandRun.of("config", "check", "--no-env", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.outLines())
                .containsExactly(
                        file
                                + ":2: kafka.bootstrap.servers: unknown key; did you mean kafka.bootstrap?",
                        file + ":4: job.parallelism: not a whole number: 'many'");
        assertThat(r.summary()).isEqualTo("soc config check: 2 problem(s)");

        CommandRun json = CommandRun.of("config", "check", "--no-env", "--json", file.toString());
        assertThat(json.code()).isEqualTo(1);
        JsonNode first = Json.mapper().readTree(json.outLines().get(0));
        assertThat(first.path("file").asText()).isEqualTo(file.toString());
        assertThat(first.path("line").asInt()).isEqualTo(2);
        assertThat(first.path("key").asText()).isEqualTo("kafka.bootstrap.servers");
        assertThat(first.path("message").asText()).contains("did you mean kafka.bootstrap?");
    }

    @Test
    void aGoodFileIsOkAndWhatOnlyTheWholeShowsIsFoundToo(@TempDir Path dir) throws Exception {
        Path good =
                Files.writeString(
                        dir.resolve("soc.yml"),
                        "kafka.bootstrap: kafka:9092\nstate:\n  backend: hashmap\n");
        CommandRun ok = CommandRun.of("config", "check", "--no-env", good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.summary()).isEqualTo("soc config check: " + good + " ok (2 settings)");

        Path departments =
                Files.writeString(dir.resolve("departments.tsv"), "not a department line\n");
        Path whole =
                Files.writeString(
                        dir.resolve("whole.yml"),
                        "kafka.bootstrap: kafka:9092\ndepartments.file: " + departments + "\n");
        CommandRun bad = CommandRun.of("config", "check", "--no-env", whole.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.outLines())
                .singleElement()
                .asString()
                .startsWith(whole + ":2: departments.file: ");
    }

    @Test
    void theSampleConfigurationIsValid() {
        CommandRun r = CommandRun.of("config", "check", "--no-env", "../config/soc.yml");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
    }

    @Test
    void aMissingFileIsOneLine() {
        CommandRun r = CommandRun.of("config", "check", "/nonexistent/soc.yml");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errLines())
                .containsExactly("soc check: no such configuration file: /nonexistent/soc.yml");
    }
}
