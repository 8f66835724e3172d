package org.socengine.connectors.decode.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * The hand-written scan of the priority, the RFC 3164 header, the host and the tag accepts exactly
 * what the regular expressions it replaced accepted ({@link RegexSyslogHeader}), and reads the same
 * header from it: on the real and fixture logs of the repository and on lines built from every
 * boundary of each part.
 */
class SyslogHeaderEquivalenceTest {

    private static final DecoderOptions OPTIONS = DecoderOptions.defaults();

    private static String outcome(boolean scan, String line) {
        RawRecord record = RawRecord.of("syslog", line);
        record.kafkaTimestamp = 1_795_852_800_000L;
        try {
            SyslogHeader h =
                    scan
                            ? SyslogHeader.parse(line, record, OPTIONS)
                            : RegexSyslogHeader.parse(line, record, OPTIONS);
            return String.valueOf(h);
        } catch (DecodeException e) {
            return "refused " + e.reason() + ": " + e.getMessage();
        }
    }

    private static void same(List<String> lines) {
        for (String line : lines) {
            assertThat(outcome(true, line)).as("%s", line).isEqualTo(outcome(false, line));
        }
    }

    @Test
    void theRepositorysLogsReadTheSame() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path root :
                List.of(
                        Path.of("..", "testdata"),
                        Path.of("..", "rules", "detections"),
                        Path.of("..", "rules", "src", "test", "resources"),
                        Path.of("src", "test", "resources"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f :
                        files.filter(Files::isRegularFile)
                                .filter(
                                        p ->
                                                p.toString().endsWith(".log")
                                                        || p.toString().endsWith(".ndjson")
                                                        || p.toString().endsWith(".txt"))
                                .toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                    text.lines().limit(20_000).forEach(lines::add);
                }
            }
        }
        assertThat(lines).hasSizeGreaterThan(1_000);
        same(lines);
    }

    @Test
    void everyBoundaryOfEachPartReadsTheSame() {
        String[] pri = {
            "", "<0>", "<38>", "<191>", "<192>", "<999>", "<1234>", "<>", "<38", "<3a>"
        };
        String[] month = {"Nov", "Dec", "Jan", "Foo", "nov", "NOV", "No", "Nov1"};
        String[] gap = {" ", "  ", "   ", "\t", " \t", "\n", ""};
        String[] day = {"4", "04", "20", "123", "", "x"};
        String[] year = {"", " 2026", " 202", " 20261", " 2026x", "  2026"};
        String[] time = {
            " 10:00:00",
            " 1:00:00",
            " 10:00:0",
            " 10-00-00",
            " 10:00:00.",
            " 10:00:00.1",
            " 10:00:00.123456789",
            " 10:00:00.1234567890",
            " 10:00:00,5",
            " 23:59:60",
            " 99:99:99",
            "10:00:00",
            " 10:00:00:",
            " 10:00:00::"
        };
        String[] tail = {
            "",
            " ",
            ":",
            " host sshd[12]: Accepted publickey",
            " host sshd: msg",
            " host sshd:msg",
            " host sshd:  two spaces",
            " sshd[1234567890]: x",
            " host sshd[12345678901]: x",
            " host prog[]: x",
            " host prog[12]x: y",
            " host prog[12]",
            " host a.b/c@d-e_f[7]:x",
            " host " + "t".repeat(64) + ": x",
            " host " + "t".repeat(65) + ": x",
            " 10.0.0.1 su: x",
            " [::1] x: y",
            " host: msg",
            " host",
            " %ASA-6-302013: Built",
            " " + "h".repeat(255) + " prog: x",
            " " + "h".repeat(256) + " prog: x",
            " host prog: line\nsecond line",
            " host prög: x",
            " héte prog: x",
            " host prog[1]: ",
            " host prog[1]:"
        };
        List<String> lines = new ArrayList<>();
        for (String p : pri) {
            for (String m : month) {
                for (String g : gap) {
                    for (String d : day) {
                        for (String y : year) {
                            for (String t : time) {
                                lines.add(p + m + g + d + y + t + " host sshd[1]: x");
                            }
                        }
                    }
                }
            }
        }
        for (String p : pri) {
            for (String t : time) {
                for (String tl : tail) {
                    lines.add(p + "Dec  4" + t + tl);
                    lines.add(p + "Feb 30 2026" + t + tl);
                }
            }
        }
        same(lines);
    }

    @Test
    void randomMutationsOfRealLinesReadTheSame() {
        String[] seeds = {
            "<38>Nov 20 00:00:00 auth-gw-01 sshd[16875]: pam_unix(sshd:session): session closed",
            "Dec  4 10:00:00.123 host sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2",
            "<13>Jan 1 2026 00:00:00: %ASA-6-302013: Built outbound",
            "Mar 10 12:34:56 10.0.0.1 CRON[123]: (root) CMD (run)"
        };
        String alphabet = " \t:[]<>.0123456789AZaz_-/@%\n";
        Random random = new Random(18);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int k = random.nextInt(4); k >= 0; k--) {
                int at = random.nextInt(b.length());
                switch (random.nextInt(3)) {
                    case 0 -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> b.deleteCharAt(at);
                    default -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            lines.add(b.toString());
        }
        same(lines);
    }
}
