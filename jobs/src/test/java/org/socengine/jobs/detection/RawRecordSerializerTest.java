package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.RawRecord;

/** Raw records cross the source → decode boundary whole: every field, nulls and all. */
class RawRecordSerializerTest {

    private static RawRecord roundTrip(RawRecord r) throws Exception {
        RawRecordSerializer s = new RawRecordSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(r, out);
        return s.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    }

    @Test
    void everyFieldSurvives() throws Exception {
        RawRecord r = RawRecord.of("syslog", "Dec  5 08:30:00 web sshd[1]: Failed password");
        r.partition = 3;
        r.offset = 1_234_567_890_123L;
        r.kafkaTimestamp = 1_796_000_000_000L;
        r.key = "so-tc";
        r.departmentHeader = "ubnd-h-quangxuong";
        r.conflictingDepartmentHeaders = true;
        RawRecord back = roundTrip(r);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
    }

    @Test
    void nullsAndNonTextBytesSurvive() throws Exception {
        RawRecord r = new RawRecord();
        r.value = new byte[] {0, (byte) 0xff, (byte) 0xc3, 0x28};
        RawRecord back = roundTrip(r);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
        RawRecord none = new RawRecord();
        assertThat(roundTrip(none).value).isNull();
        RawRecord text = RawRecord.of("web", "Đắk Lắk – Sở Tài chính");
        assertThat(new String(roundTrip(text).value, StandardCharsets.UTF_8))
                .isEqualTo("Đắk Lắk – Sở Tài chính");
    }
}
