package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The folded fast path of {@code sigma_match} decides exactly as the character-by-character
 * case-insensitive matcher it replaced, on ASCII and on letters whose case rules are not ASCII's.
 */
class SigmaMatchersTest {

    private static final String ALPHABET = "aAbBcC\\*?.-/ İıſKkßÄäΣσς:";

    @Test
    void foldedMatchingDecidesAsTheCaseInsensitiveMatcher() {
        Random r = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            String value = random(r, 1 + r.nextInt(12), false);
            String[] patterns = new String[1 + r.nextInt(3)];
            for (int k = 0; k < patterns.length; k++) {
                patterns[k] = random(r, r.nextInt(6), true);
            }
            boolean expected = false;
            for (String p : patterns) {
                expected |= WildcardPattern.parse(p, true).matches(value);
            }
            // A fresh String each time: the per-event cache must not answer for another value.
            assertThat(SigmaMatchers.any(new String(value), patterns, false))
                    .as("%s against %s", value, String.join(" | ", patterns))
                    .isEqualTo(expected);
            boolean cased = false;
            for (String p : patterns) {
                cased |= WildcardPattern.parse(p, false).matches(value);
            }
            assertThat(SigmaMatchers.any(value, patterns, true)).isEqualTo(cased);
        }
    }

    @Test
    void foldedEqualityIsEqualsIgnoreCase() {
        Random r = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            String a = random(r, r.nextInt(5), false);
            String b = random(r, a.length(), false);
            assertThat(RuleFunctions.sigmaFold(a).equals(RuleFunctions.foldCase(b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(a.equalsIgnoreCase(b));
        }
        assertThat(RuleFunctions.sigmaFold(null)).isNull();
        assertThat(RuleFunctions.sigmaFold("CMD.EXE")).isEqualTo("cmd.exe");
        String plain = "already folded";
        assertThat(RuleFunctions.foldCase(plain)).isSameAs(plain);
    }

    private static String random(Random r, int n, boolean pattern) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
            if (!pattern && (c == '*' || c == '?')) {
                c = 'x';
            }
            b.append(c);
        }
        return b.toString();
    }
}
