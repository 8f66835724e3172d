package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

/** Test resources and one-line decoding through the same entry point the job uses. */
final class Samples {

    /** 2026-11-25T12:00:00Z: the Kafka time of test records, so year inference is stable. */
    static final long NOW = 1_795_608_000_000L;

    private Samples() {}

    static String text(String resource) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource samples/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String resource) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String resource) {
        List<String> out = new ArrayList<>();
        for (String l : text(resource).split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    static RecordDecoder recordDecoder() {
        return new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
    }

    static RawRecord record(String source, String line) {
        RawRecord r = RawRecord.of(source, line);
        r.kafkaTimestamp = NOW;
        return r;
    }

    /** Decodes one line and fails the test with the dead letter when it did not decode. */
    static SecurityEvent decode(RecordDecoder d, String source, String line) {
        RecordDecoder.Outcome o = d.decode(record(source, line), NOW);
        assertThat(o.deadLetter()).as("dead letter for %s line: %s", source, line).isNull();
        assertThat(o.event()).as("event for %s line: %s", source, line).isNotNull();
        SecurityEvent e = o.event();
        assertThat(e.timestamp).as("timestamp of %s", line).isPositive();
        assertThat(e.event.module).isNotNull();
        assertThat(e.event.original).isNotNull();
        assertThat(e.event.action).as("event.action of %s", line).isNotNull().matches("[a-z0-9_]+");
        assertThat(e.event.category)
                .as("event.category of %s", line)
                .isIn(
                        "authentication",
                        "network",
                        "process",
                        "web",
                        "intrusion_detection",
                        "iam",
                        "file",
                        "host",
                        "session");
        if (e.event.outcome != null) {
            assertThat(e.event.outcome).isIn("success", "failure");
        }
        return e;
    }

    static SecurityEvent decode(String source, String line) {
        return decode(recordDecoder(), source, line);
    }

    /** Decodes a line that must be dead-lettered, and returns the reason code. */
    static String deadLetter(String source, String line) {
        RecordDecoder.Outcome o = recordDecoder().decode(record(source, line), NOW);
        assertThat(o.event()).as("event from %s line %s", source, line).isNull();
        assertThat(o.deadLetter()).as("dead letter from %s line %s", source, line).isNotNull();
        return o.deadLetter().reasonCode;
    }
}
