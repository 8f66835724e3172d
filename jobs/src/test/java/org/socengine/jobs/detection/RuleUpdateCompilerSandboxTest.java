package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The job's rule update path is an entry point to the engine like lint and {@code ./soc detect}:
 * every hostile rule of the rules module's collection, published to {@code soc.rules}, is refused
 * with its file and line, and nothing reaches the detection operators.
 */
class RuleUpdateCompilerSandboxTest {

    private static final Path HOSTILE = Path.of("../rules/src/test/resources/hostile/any");
    private static final Pattern ID = Pattern.compile("(?m)^id: (\\S+)$");

    @Test
    void everyHostileRulePublishedToTheJobIsRefused() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(HOSTILE)) {
            files = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(70);
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<String, RuleRecord, Control>(
                        new KeyedProcessOperator<>(new RuleUpdateCompiler()),
                        r -> r.ruleId,
                        org.apache.flink.api.common.typeinfo.Types.STRING);
        harness.open();
        long offset = 0;
        for (Path f : files) {
            String yaml = Files.readString(f);
            Matcher id = ID.matcher(yaml);
            assertThat(id.find()).isTrue();
            harness.processElement(
                    new StreamRecord<>(new RuleRecord(id.group(1), yaml, offset++), 0));
        }
        List<String> deployed = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                deployed.add(String.valueOf(r.getValue()));
            }
        }
        assertThat(deployed).as("controls that left the rule compiler").isEmpty();
        var statuses = harness.getSideOutput(RuleUpdateCompiler.STATUS);
        assertThat(statuses).hasSize(files.size());
        assertThat(statuses)
                .allSatisfy(
                        r -> {
                            assertThat(r.getValue().status).isEqualTo(RuleStatus.REFUSED);
                            assertThat(r.getValue().error)
                                    .matches("(?s)soc\\.rules/\\S+@\\d+:\\d+: .+");
                        });
        harness.close();
    }
}
