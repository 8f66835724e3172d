package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorKind;
import org.socengine.jobs.intel.IntelUpdate;
import org.socengine.model.SecurityEvent;

class RoutedSerializerTest {

    /** Checkpoints hold keys as StringValue wrote them: the fast writer must give those bytes. */
    @Test
    void keysAreWrittenAsStringValueWritesThem() throws Exception {
        Random random = new Random(18);
        // Around each boundary of the length's 7-bit groups, and ordinary keys.
        int[] lengths = {0, 1, 126, 127, 128, 16_382, 16_383, 16_384, 2_097_150, 2_097_152};
        for (int round = 0; round < 1_000 + lengths.length; round++) {
            int length = round < lengths.length ? lengths[round] : random.nextInt(300);
            StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                sb.append(
                        switch (random.nextInt(4)) {
                            case 0 -> (char) random.nextInt(0x80);
                            case 1 -> (char) (0x80 + random.nextInt(0x4000 - 0x80));
                            case 2 -> (char) (0x4000 + random.nextInt(0x10000 - 0x4000));
                            default -> (char) ('a' + random.nextInt(26));
                        });
            }
            String s = sb.toString();
            DataOutputSerializer expected = new DataOutputSerializer(64);
            StringValue.writeString(s, expected);
            DataOutputSerializer actual = new DataOutputSerializer(64);
            CodecSerializer.writeStringValue(s, actual);
            assertThat(actual.getCopyOfBuffer()).isEqualTo(expected.getCopyOfBuffer());
        }
    }

    @Test
    void aRoutedEventComesBackWithItsFamiliesAndKeys() throws Exception {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_795_600_000_000L;
        e.ensureSource().ip = "10.20.7.1";
        e.ensureUser().name = "nguyễn.văn.a";
        Routed r =
                Routed.event(
                        0,
                        e,
                        new String[] {"source.ip", "user.name"},
                        new String[] {"10.20.7.1", "nguyễn.văn.a"});
        RoutedSerializer serializer = new RoutedSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(r, out);
        Routed back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.families).containsExactly("source.ip", "user.name");
        assertThat(back.keys).containsExactly("10.20.7.1", "nguyễn.văn.a");
        assertThat(back.event.user.name).isEqualTo("nguyễn.văn.a");
    }

    private static Routed roundTrip(Routed r) throws Exception {
        RoutedSerializer serializer = new RoutedSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(r, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void anIndicatorUpdateComesBackWhole() throws Exception {
        Indicator i = Indicator.of(IndicatorKind.DOMAIN, "c2.example.net", "MISP tỉnh", 85);
        i.firstSeen = 1_795_000_000_000L;
        i.lastSeen = 1_795_100_000_000L;
        i.validUntil = 1_796_000_000_000L;
        i.hunt = true;
        i.description = "máy chủ điều khiển";
        IntelUpdate back = roundTrip(Routed.intel(IntelUpdate.put(i))).intel;
        assertThat(back.key).isEqualTo(i.key());
        assertThat(back.indicator).isEqualTo(i);
        assertThat(back.indicator).usingRecursiveComparison().isEqualTo(i);

        IntelUpdate refused =
                roundTrip(
                                Routed.intel(
                                        IntelUpdate.refused(
                                                "ip:x",
                                                "not an address",
                                                3,
                                                42,
                                                7L,
                                                new byte[] {(byte) 0xff, 0})))
                        .intel;
        assertThat(refused.indicator).isNull();
        assertThat(refused.error).isEqualTo("not an address");
        assertThat(refused.partition).isEqualTo(3);
        assertThat(refused.offset).isEqualTo(42);
        assertThat(refused.kafkaTimestamp).isEqualTo(7L);
        assertThat(refused.raw).containsExactly((byte) 0xff, 0);

        IntelUpdate delete = roundTrip(Routed.intel(IntelUpdate.delete("ip:203.0.113.7"))).intel;
        assertThat(delete.key).isEqualTo("ip:203.0.113.7");
        assertThat(delete.indicator).isNull();
        assertThat(delete.raw).isNull();
    }
}
