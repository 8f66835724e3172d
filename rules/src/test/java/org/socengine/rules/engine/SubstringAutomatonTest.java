package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shared automaton of Sigma's {@code contains} values decides as searching the text for each
 * value, and {@code sigma_match} with it decides as the case-insensitive matcher, pattern by
 * pattern, on random lists and texts: overlapping needles, case rules that are not ASCII's,
 * characters outside the BMP (SigmaHQ's emoji rules), the dashes of {@code windash}, wildcards and
 * escapes.
 */
class SubstringAutomatonTest {

    private static final String ALPHABET =
            "aAbBcCsShHeE\\\\*?.-/ İıſKkßÄäΣσς:\u2013\u2014\u2015😀😃";

    @Test
    void findsEveryGroupWithANeedleInTheText() {
        List<String[]> groups =
                List.of(
                        new String[] {"he", "she"},
                        new String[] {"his"},
                        new String[] {"hers"},
                        new String[] {"e"},
                        new String[] {"😀"});
        SubstringAutomaton a = new SubstringAutomaton(groups);
        long[] hits = a.newHits();
        a.scan("ushers", hits);
        assertThat(bits(a, hits)).containsExactly(true, false, true, true, false);
        a.scan("a😀his", hits);
        assertThat(bits(a, hits)).containsExactly(false, true, false, false, true);
        a.scan("", hits);
        assertThat(bits(a, hits)).containsOnly(false);

        Random r = new Random(3);
        for (int round = 0; round < 2_000; round++) {
            List<String[]> random = new ArrayList<>();
            for (int g = 0, n = 1 + r.nextInt(12); g < n; g++) {
                String[] needles = new String[1 + r.nextInt(3)];
                for (int k = 0; k < needles.length; k++) {
                    needles[k] = text(r, 1 + r.nextInt(4), "abcab😀");
                }
                random.add(needles);
            }
            SubstringAutomaton b = new SubstringAutomaton(random);
            long[] h = b.newHits();
            for (int t = 0; t < 20; t++) {
                String text = text(r, r.nextInt(30), "abcab😀");
                b.scan(text, h);
                for (int g = 0; g < random.size(); g++) {
                    boolean expected = false;
                    for (String n : random.get(g)) {
                        expected |= text.contains(n);
                    }
                    assertThat(SubstringAutomaton.hit(h, g))
                            .as("%s in %s", String.join("|", random.get(g)), text)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void sharedMatchingDecidesAsThePatternByPatternMatcher() {
        Random r = new Random(17);
        List<String[]> lists = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String[] patterns = new String[1 + r.nextInt(r.nextInt(10) == 0 ? 60 : 4)];
            for (int k = 0; k < patterns.length; k++) {
                String core = text(r, 1 + r.nextInt(5), ALPHABET);
                patterns[k] =
                        switch (r.nextInt(5)) {
                            case 0 -> "*" + core + "*";
                            case 1 -> core + "*";
                            case 2 -> "*" + core;
                            case 3 -> "*" + core + "*" + text(r, 2, ALPHABET) + "*";
                            default -> core;
                        };
            }
            lists.add(patterns);
            SigmaMatchers.any("first call", patterns, false);
        }
        SigmaMatchers.shareNow();
        assertThat(SigmaMatchers.sharedGroups()).isGreaterThan(0);
        for (int t = 0; t < 20_000; t++) {
            StringBuilder b = new StringBuilder(text(r, r.nextInt(8), ALPHABET));
            // Some of the lists' own values, in another case, so that texts hit.
            for (int k = r.nextInt(3); k > 0; k--) {
                String[] some = lists.get(r.nextInt(lists.size()));
                String p = some[r.nextInt(some.length)].replace("*", "").replace("?", "x");
                b.append(r.nextBoolean() ? p.toUpperCase(java.util.Locale.ROOT) : p);
                b.append(text(r, r.nextInt(4), ALPHABET));
            }
            String value = b.toString().replace("*", "").replace("?", "");
            // The same String for every list, as one event's field is for every rule.
            String event = new String(value);
            for (int i = 0; i < lists.size(); i++) {
                String[] patterns = lists.get(i);
                boolean expected = false;
                for (String p : patterns) {
                    expected |= WildcardPattern.parse(p, true).matches(value);
                }
                assertThat(SigmaMatchers.any(event, patterns, false))
                        .as("%s against %s", value, String.join(" | ", patterns))
                        .isEqualTo(expected);
                if (i % 50 == 0) {
                    // Equal constants that are other instances: found by value, same answer.
                    String[] copies = new String[patterns.length];
                    for (int k = 0; k < copies.length; k++) {
                        copies[k] = new String(patterns[k]);
                    }
                    assertThat(SigmaMatchers.any(event, copies, false)).isEqualTo(expected);
                }
            }
        }
    }

    private static boolean[] bits(SubstringAutomaton a, long[] hits) {
        boolean[] out = new boolean[a.groups()];
        for (int g = 0; g < out.length; g++) {
            out[g] = SubstringAutomaton.hit(hits, g);
        }
        return out;
    }

    private static String text(Random r, int n, String alphabet) {
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(cps[r.nextInt(cps.length)]);
        }
        return b.toString();
    }
}
