package org.socengine.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An alert's record on {@code soc.alerts} carries the alert's time unless the broker would refuse
 * it: then the producer stamps it, and the sink goes on.
 */
class AlertRecordTimeTest {

    @Test
    void aTimeTheBrokerWouldRefuseIsLeftToTheProducer() {
        long past = Instant.parse("2026-10-07T08:00:00Z").toEpochMilli();
        assertThat(SocKafka.recordTime(past)).isEqualTo(past);
        long soon = System.currentTimeMillis() + Duration.ofMinutes(1).toMillis();
        assertThat(SocKafka.recordTime(soon)).isEqualTo(soon);
        assertThat(SocKafka.recordTime(Long.MAX_VALUE)).isNull();
        assertThat(SocKafka.recordTime(System.currentTimeMillis() + Duration.ofHours(2).toMillis()))
                .isNull();
        assertThat(SocKafka.recordTime(0)).isNull();
        assertThat(SocKafka.recordTime(-5)).isNull();
    }
}
