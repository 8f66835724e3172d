package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkAlignmentParams;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.RawRecord;

class ReadingPaceTest {

    @Test
    void partitionsMoreThanAMinuteAheadInKafkaTimeArePausedByDefault() {
        WatermarkAlignmentParams p =
                DetectionJob.readingPace(DetectionJobOptions.defaults()).getAlignmentParameters();
        assertThat(p.isEnabled()).isTrue();
        assertThat(p.getMaxAllowedWatermarkDrift()).isEqualTo(60_000);
        assertThat(p.getWatermarkGroup()).isEqualTo("soc-raw-records");
    }

    @Test
    void theReaderGoesByKafkaTimeNotByTheEventsOwnTime() {
        RawRecord r = RawRecord.of("syslog", "<38>Nov 24 08:00:01 h sshd[1]: x");
        r.kafkaTimestamp = 1_795_600_000_000L;
        var assigner =
                DetectionJob.readingPace(DetectionJobOptions.defaults())
                        .createTimestampAssigner(() -> null);
        assertThat(assigner.extractTimestamp(r, 5L)).isEqualTo(1_795_600_000_000L);
    }

    @Test
    void aZeroDriftNeverPauses() {
        assertThat(
                        DetectionJob.readingPace(
                                        DetectionJobOptions.defaults()
                                                .withMaxPartitionDrift(Duration.ZERO))
                                .getAlignmentParameters()
                                .isEnabled())
                .isFalse();
    }
}
