package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.jobs.detection.DetectionJobMain;
import org.socengine.jobs.detection.DetectionJobSettings;
import picocli.CommandLine;

/**
 * One configuration path: {@code ./soc run} and {@code DetectionJobMain} (what {@code flink run}
 * starts) read the same file and options into the same settings, so a cluster deployment runs with
 * what was tried locally.
 */
class JobSettingsPathTest {

    private static final Map<String, String> NO_ENV = Map.of();

    private static Path properties(Path dir) throws Exception {
        Path departments = dir.resolve("departments.tsv");
        Files.writeString(
                departments,
                "so-tttt\tSở Thông tin và Truyền thông\t10.20.0.0/16\n"
                        + "ubnd-hoa-vang\tUBND huyện Hòa Vang\t10.30.0.0/16\n");
        Path file = dir.resolve("soc.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "kafka.bootstrap=127.0.0.1:9092",
                        "job.group=soc-detection-tinh",
                        "job.parallelism=3",
                        "job.checkpoint_interval=30s",
                        "job.alert_budget=50",
                        "job.allowed_lateness=2s",
                        "job.idle_timeout=45s",
                        "job.max_clock_skew=2h",
                        "job.max_partition_drift=0",
                        "job.follow_live_partitions=false",
                        "alerts.retention_months=12",
                        "departments.file=" + departments,
                        "decode.time_zone.syslog=Asia/Ho_Chi_Minh",
                        "department.unattributed=dead_letter",
                        ""));
        return file;
    }

    private static DetectionJobSettings viaRunCommand(String... args) throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return DetectionJobSettings.from(run.config(NO_ENV));
    }

    @Test
    void runCommandAndClusterMainReadTheSameFileIntoTheSameSettings(@TempDir Path dir)
            throws Exception {
        String file = properties(dir).toString();

        DetectionJobSettings local = viaRunCommand("--config", file);
        DetectionJobSettings cluster =
                DetectionJobMain.settings(new String[] {"--config", file}, NO_ENV);

        assertThat(cluster.describe()).isEqualTo(local.describe());
        assertThat(local.group()).isEqualTo("soc-detection-tinh");
        assertThat(local.checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(local.retentionMonths()).isEqualTo(12);
        assertThat(local.options().parallelism()).isEqualTo(3);
        assertThat(local.options().alertBudgetPerHour()).isEqualTo(50);
        assertThat(local.options().allowedLateness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(local.options().idleness()).isEqualTo(Duration.ofSeconds(45));
        assertThat(local.options().maxClockSkew()).isEqualTo(Duration.ofHours(2));
        assertThat(local.options().maxPartitionDrift()).isEqualTo(Duration.ZERO);
        assertThat(local.options().followLivePartitions()).isFalse();
        assertThat(viaRunCommand().options().followLivePartitions()).as("the default").isTrue();
        assertThat(viaRunCommand().options().idleAdvance())
                .as("a running job's event clock of quiet spells, on by default")
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(local.decoder().describe())
                .contains("syslog=DecoderOptions[timeZone=Asia/Ho_Chi_Minh")
                .contains("[so-tttt, ubnd-hoa-vang]")
                .contains("unattributed=DEAD_LETTER");
    }

    @Test
    void everyOptionOfRunReachesTheClusterMainUnderTheSameName(@TempDir Path dir) throws Exception {
        String file = properties(dir).toString();
        String[] args = {
            "--config", file,
            "--group", "g2",
            "--parallelism", "4",
            "--checkpoint-interval", "5s",
            "--alert-budget", "10",
            "--allowed-lateness", "1s",
            "--idle-timeout", "10s",
            "--max-clock-skew", "0",
            "--max-partition-drift", "30s",
            "--retention-months", "3",
            "--time-zone", "web=Asia/Bangkok"
        };

        DetectionJobSettings local = viaRunCommand(args);
        DetectionJobSettings cluster = DetectionJobMain.settings(args, NO_ENV);

        assertThat(cluster.describe()).isEqualTo(local.describe());
        assertThat(local.group()).isEqualTo("g2");
        assertThat(local.options().parallelism()).isEqualTo(4);
        assertThat(local.options().maxClockSkew()).isEqualTo(Duration.ZERO);
        assertThat(local.decoder().describe()).contains("web=DecoderOptions[timeZone=Asia/Bangkok");
        // Options override the file; what they leave alone stays the file's.
        assertThat(local.decoder().describe())
                .contains("syslog=DecoderOptions[timeZone=Asia/Ho_Chi_Minh");
        assertThat(DetectionJobSettings.OPTIONS.keySet())
                .allSatisfy(
                        option ->
                                assertThat(new CommandLine(new RunCommand()).getCommandSpec())
                                        .matches(spec -> spec.findOption(option) != null, option));
    }

    @Test
    void aBadValueIsRefusedNamingItsKeyOnBothPaths(@TempDir Path dir) throws Exception {
        String file = properties(dir).toString();
        assertThatThrownBy(() -> viaRunCommand("--config", file, "--idle-timeout", "soon"))
                .hasMessageContaining("job.idle_timeout: not a duration: 'soon'");
        assertThatThrownBy(
                        () ->
                                DetectionJobMain.settings(
                                        new String[] {"--config", file, "--parallelism", "0"},
                                        NO_ENV))
                .hasMessageContaining("job.parallelism: must be positive");
        assertThatThrownBy(
                        () ->
                                DetectionJobMain.settings(
                                        new String[] {"--config", file, "--paralelism", "2"},
                                        NO_ENV))
                .hasMessageContaining("unknown option --paralelism");
        assertThatThrownBy(
                        () -> viaRunCommand("--config", file, "--time-zone", "syslog=Mars/Olympus"))
                .hasMessageContaining("decode.time_zone.syslog: unknown time zone 'Mars/Olympus'");
    }
}
