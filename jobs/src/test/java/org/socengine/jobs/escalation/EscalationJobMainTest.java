package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.config.ConfigCheck;
import org.socengine.connectors.config.ConfigKeys;
import org.socengine.connectors.config.SocConfig;

/**
 * The escalation job's options are keys of the one configuration file: {@code ./soc config check}
 * knows them, the file sets them, an option given on the command line wins.
 */
class EscalationJobMainTest {

    @Test
    void everyOptionButTheFileItselfIsAConfigurationKey() {
        assertThat(EscalationJobMain.KEYS.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        EscalationJobMain.OPTIONS.keySet().stream()
                                .filter(o -> !o.equals("--config"))
                                .toList());
        assertThat(EscalationJobMain.KEYS.values())
                .allSatisfy(k -> assertThat(ConfigKeys.find(k)).as(k).isPresent());
    }

    @Test
    void theFileSetsTheJobAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yml"), "tiers: []\n");
        Path file =
                Files.writeString(
                        dir.resolve("soc.yml"),
                        String.join(
                                "\n",
                                "kafka.bootstrap: 127.0.0.1:9092",
                                "escalation:",
                                "  group: soc-escalation-north",
                                "  parallelism: 3",
                                "  policy: " + policy,
                                "  quiet_advance: 2m",
                                "  ack_port: 8443",
                                ""));
        assertThat(ConfigCheck.check(file, Map.of())).isEmpty();
        SocConfig cfg =
                EscalationJobMain.withOptions(
                        SocConfig.load(file, Map.of()),
                        EscalationJobMain.parse(new String[] {"--parallelism", "4"}));
        assertThat(cfg.get("escalation.group")).isEqualTo("soc-escalation-north");
        assertThat(cfg.get("escalation.parallelism")).isEqualTo("4");
        assertThat(cfg.get("escalation.policy")).isEqualTo(policy.toString());
        assertThat(cfg.get("escalation.quiet_advance")).isEqualTo("2m");
        assertThat(cfg.get("escalation.ack_port")).isEqualTo("8443");
    }

    @Test
    void aMistypedKeyIsRefusedWithTheNearestSuggested(@TempDir Path dir) throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("soc.yml"),
                        "kafka.bootstrap: 127.0.0.1:9092\nescalation.quiet_advanse: 2m\n");
        assertThat(ConfigCheck.check(file, Map.of()))
                .singleElement()
                .asString()
                .contains("escalation.quiet_advanse")
                .contains("escalation.quiet_advance");
        Path metrics =
                Files.writeString(
                        dir.resolve("metrics.yml"),
                        "kafka.bootstrap: 127.0.0.1:9092\nmetrics:\n  port: 99999\n");
        assertThat(ConfigCheck.check(metrics, Map.of()))
                .singleElement()
                .asString()
                .contains("metrics.port");
    }
}
