package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.syslog.NetfilterMessages;

/**
 * The hand-written scanners find exactly what the regular expressions they replaced found, on
 * random text over the characters those expressions care about (the old expressions are kept here
 * as the reference).
 */
class ScanTest {

    private static final Pattern ASA_EP =
            Pattern.compile("(?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5})");
    private static final Pattern WORD_PAIR = Pattern.compile("(\\w+)=(\\S*)");

    private static String random(Random r, String alphabet, int max) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(max);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void asaEndpointFindsWhatTheRegexFound() {
        Random r = new Random(11);
        String alphabet = "aAgZ_.-:/19f \t(),x";
        for (int i = 0; i < 200_000; i++) {
            String s = random(r, alphabet, 30);
            assertThat(scanEndpoints(s)).as("'%s'", s).isEqualTo(regexEndpoints(s));
        }
        for (String s :
                List.of(
                        "outside:10.0.0.1/443 to inside:10.0.0.2/80",
                        "for a:1.1.1.1/1 (1.1.1.1/1) to b:fe80::1/22",
                        "x a.b-c:dead:beef::1/123456 y",
                        "1.2.3.4/1234567.8/9")) {
            assertThat(scanEndpoints(s)).as(s).isEqualTo(regexEndpoints(s));
        }
    }

    @Test
    void wordPairsFindWhatTheRegexFound() {
        Random r = new Random(12);
        String alphabet = "aZ_9= \t.-x\n";
        for (int i = 0; i < 200_000; i++) {
            String s = random(r, alphabet, 30);
            List<String> scanned = new ArrayList<>();
            Scan.wordPairs(s, (k, v) -> scanned.add(k + "=" + v));
            List<String> found = new ArrayList<>();
            Matcher m = WORD_PAIR.matcher(s);
            while (m.find()) {
                found.add(m.group(1) + "=" + m.group(2));
            }
            assertThat(scanned).as("'%s'", s).isEqualTo(found);
        }
    }

    @Test
    void netfilterPairsFindWhatTheRegexFound() {
        Pattern kv = Pattern.compile("(?:^|\\s)([A-Z]+)=(\\S*)");
        Random r = new Random(14);
        String alphabet = "AZa= \t1\n";
        for (int i = 0; i < 200_000; i++) {
            String s = random(r, alphabet, 30);
            List<String> scanned = new ArrayList<>();
            for (String[] p : NetfilterMessages.upperPairs(s)) {
                scanned.add(p[0] + "=" + p[1]);
            }
            List<String> found = new ArrayList<>();
            Matcher m = kv.matcher(s);
            while (m.find()) {
                found.add(m.group(1) + "=" + m.group(2));
            }
            assertThat(scanned).as("'%s'", s).isEqualTo(found);
        }
    }

    @Test
    void snakeCaseMatchesTheReplacements() {
        Random r = new Random(13);
        String alphabet = "aZ_9 -.\u00e9";
        for (int i = 0; i < 100_000; i++) {
            String s = random(r, alphabet, 20).toLowerCase(Locale.ROOT);
            assertThat(Scan.snake(s))
                    .isEqualTo(s.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", ""));
            assertThat(Scan.runsToUnderscore(s)).isEqualTo(s.replaceAll("[^a-z0-9]+", "_"));
            assertThat(Scan.underscore(s, true)).isEqualTo(s.replaceAll("[^a-z0-9_]", "_"));
        }
    }

    private static List<String> scanEndpoints(String s) {
        List<String> out = new ArrayList<>();
        int from = 0;
        int[] a;
        while ((a = Scan.asaEndpoint(s, from)) != null) {
            String iface = a[0] < 0 ? null : s.substring(a[0], a[1]);
            out.add(
                    (a[0] < 0 ? a[2] : a[0])
                            + " "
                            + iface
                            + " "
                            + s.substring(a[2], a[3])
                            + " "
                            + s.substring(a[4], a[5]));
            from = a[5];
        }
        return out;
    }

    private static List<String> regexEndpoints(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = ASA_EP.matcher(s);
        while (m.find()) {
            out.add(m.start() + " " + m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        return out;
    }
}
