package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records just under the size limit, built to provoke regular-expression backtracking, are decided
 * in bounded time: one hostile record must not stall a partition.
 */
class LargeRecordTimingTest {

    static List<String[]> hostile() {
        String big = "a ".repeat(400_000);
        String colons = "1:".repeat(300_000);
        String quotes = "\\\"".repeat(300_000);
        return List.of(
                new String[] {
                    "syslog", "<38>Nov 25 12:00:00 h sshd[1]: Failed password for " + big + " from"
                },
                new String[] {
                    "syslog", "<38>Nov 25 12:00:00 h sshd[1]: Disconnected from user " + colons
                },
                new String[] {"syslog", "<38>Nov 25 12:00:00 h kernel: IN= SRC=" + big + " DST=x"},
                new String[] {
                    "syslog", "<38>Nov 25 12:00:00 h sudo: alice : " + "X=1 ; ".repeat(100_000)
                },
                new String[] {
                    "web", "1.2.3.4 - - [25/Nov/2026:12:00:00 +0000] \"" + quotes + " 200 1"
                },
                new String[] {"web", big + "[25/Nov/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1"},
                new String[] {"cef", "CEF:0|a|b|c|d|e|5|" + "k=v ".repeat(200_000)},
                new String[] {"cef", "CEF:0|a|b|c|d|e|5|src=" + "\\=".repeat(300_000)},
                new String[] {"leef", "LEEF:1.0|a|b|c|d|" + "k=v\t".repeat(150_000)},
                new String[] {
                    "asa",
                    "%ASA-6-302013: Built outbound TCP connection 1 for "
                            + "a:1.1.1.1/1 ".repeat(60_000)
                },
                new String[] {"dns", "Nov 25 12:00:00 h named[1]: client " + colons},
                new String[] {"zeek", "1\t".repeat(300_000)},
                new String[] {"suricata", "{\"a\":" + "[".repeat(100_000)},
                new String[] {
                    "winlog", "{\"EventID\":4624,\"x\":\"" + "y".repeat(900_000) + "\"}"
                });
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void decidedQuickly(String source, String line) {
        long start = System.nanoTime();
        RecordDecoder.Outcome o =
                Samples.recordDecoder().decode(Samples.record(source, line), Samples.NOW);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(o.event() != null || o.deadLetter() != null).isTrue();
        if (o.deadLetter() != null) {
            assertThat(o.deadLetter().reasonCode).isNotEqualTo("internal_error");
        }
        assertThat(took).as("%s hostile record", source).isLessThan(Duration.ofSeconds(2));
    }
}
