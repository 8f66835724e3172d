package org.socengine.rules.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot path of Sigma rules: {@code sigma_match} and {@code sigma_fold}. A thousand Sigma rules
 * look at the same few fields of every process event, so the case of a value is folded once per
 * event (a per-thread cache keyed by the value's identity: every rule reads the same String of the
 * same event) and each rule's list of patterns is one matcher, built once, that compares folded
 * text with plain {@code equals}/{@code startsWith}/{@code endsWith}/{@code indexOf}. Before, every
 * pattern of every rule compared character by character without case, at every position of the
 * command line.
 *
 * <p>Folding maps each character to {@code toLowerCase(toUpperCase(c))}: two characters are equal
 * under this fold exactly when {@code String.regionMatches(true, ...)} calls them equal, so the
 * folded comparison is the case-insensitive one Sigma specifies, character for character, and the
 * length of the text never changes (unlike {@code String.toLowerCase}).
 */
final class SigmaMatchers {

    /** Input looked at, as {@link WildcardPattern#MAX_INPUT}. */
    static final int MAX_INPUT = WildcardPattern.MAX_INPUT;

    /** Most pattern lists kept: rules give them as constants, so this is never reached. */
    private static final int MAX_LISTS = 200_000;

    private static final Map<Key, PatternList> FOLDED = new ConcurrentHashMap<>();
    private static final Map<Key, PatternList> CASED = new ConcurrentHashMap<>();

    private static final int CACHE = 8;

    /** The last values folded on this thread: one event's fields, read by every rule. */
    private static final class FoldCache {
        final Object[] values = new Object[CACHE];
        final String[] folded = new String[CACHE];
        int next;
    }

    private static final ThreadLocal<FoldCache> LAST = ThreadLocal.withInitial(FoldCache::new);

    private SigmaMatchers() {}

    /** The value's text, folded; null for null. */
    static String folded(Object value) {
        if (value == null) {
            return null;
        }
        FoldCache c = LAST.get();
        Object[] values = c.values;
        for (int i = 0; i < CACHE; i++) {
            if (values[i] == value) {
                return c.folded[i];
            }
        }
        String s = value instanceof String str ? str : String.valueOf(value);
        String f = fold(s.length() > MAX_INPUT ? s.substring(0, MAX_INPUT) : s);
        int slot = c.next;
        c.next = (slot + 1) % CACHE;
        values[slot] = value;
        c.folded[slot] = f;
        return f;
    }

    /** Each character as {@code toLowerCase(toUpperCase(c))}; the same String when none change. */
    static String fold(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80 ? foldChar(c) != c : (c >= 'A' && c <= 'Z')) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        char[] out = s.toCharArray();
        for (; i < n; i++) {
            char c = out[i];
            if (c < 0x80) {
                if (c >= 'A' && c <= 'Z') {
                    out[i] = (char) (c + 32);
                }
            } else {
                out[i] = foldChar(c);
            }
        }
        return new String(out);
    }

    private static char foldChar(char c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /** True when any of the patterns matches the value; without case unless {@code cased}. */
    static boolean any(Object value, String[] patterns, boolean cased) {
        if (value == null || patterns == null || patterns.length == 0) {
            return false;
        }
        PatternList list = list(patterns, cased);
        if (list == null) {
            return false;
        }
        String v;
        if (cased) {
            String s = value instanceof String str ? str : String.valueOf(value);
            v = s.length() > MAX_INPUT ? s.substring(0, MAX_INPUT) : s;
        } else {
            v = folded(value);
        }
        return list.matches(v);
    }

    private static PatternList list(String[] patterns, boolean cased) {
        Map<Key, PatternList> cache = cased ? CASED : FOLDED;
        Key key = new Key(patterns);
        PatternList list = cache.get(key);
        if (list == null) {
            for (String p : patterns) {
                if (p == null || p.length() > RuleFunctions.MAX_PATTERN) {
                    return null;
                }
            }
            list = new PatternList(patterns.clone(), cased);
            if (cache.size() < MAX_LISTS) {
                cache.put(new Key(patterns.clone()), list);
            }
        }
        return list;
    }

    /** A list of constant patterns; the strings are the same instances call after call. */
    private static final class Key {
        private final String[] patterns;
        private final int hash;

        Key(String[] patterns) {
            this.patterns = patterns;
            this.hash = Arrays.hashCode(patterns);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(patterns, k.patterns);
        }
    }

    /**
     * One rule's patterns for one field, sorted by kind: exact values in a set-like array, then
     * prefixes, suffixes, substrings, and the general wildcards last.
     */
    static final class PatternList {
        private final String[] exact;
        private final String[] prefixes;
        private final String[] suffixes;
        private final String[] substrings;
        private final WildcardPattern[] globs;

        PatternList(String[] patterns, boolean cased) {
            java.util.List<String> e = new java.util.ArrayList<>();
            java.util.List<String> p = new java.util.ArrayList<>();
            java.util.List<String> s = new java.util.ArrayList<>();
            java.util.List<String> c = new java.util.ArrayList<>();
            java.util.List<WildcardPattern> g = new java.util.ArrayList<>();
            for (String raw : patterns) {
                // Folding leaves the wildcards and the backslash escapes as they are.
                WildcardPattern w = WildcardPattern.parse(cased ? raw : fold(raw), false);
                switch (w.kind()) {
                    case EXACT -> e.add(w.literal());
                    case PREFIX -> p.add(w.literal());
                    case SUFFIX -> s.add(w.literal());
                    case CONTAINS -> c.add(w.literal());
                    default -> g.add(w);
                }
            }
            exact = e.toArray(new String[0]);
            prefixes = p.toArray(new String[0]);
            suffixes = s.toArray(new String[0]);
            substrings = c.toArray(new String[0]);
            globs = g.toArray(new WildcardPattern[0]);
        }

        boolean matches(String v) {
            for (String x : exact) {
                if (v.equals(x)) {
                    return true;
                }
            }
            for (String x : prefixes) {
                if (v.startsWith(x)) {
                    return true;
                }
            }
            for (String x : suffixes) {
                if (v.endsWith(x)) {
                    return true;
                }
            }
            for (String x : substrings) {
                if (v.contains(x)) {
                    return true;
                }
            }
            for (WildcardPattern x : globs) {
                if (x.matches(v)) {
                    return true;
                }
            }
            return false;
        }
    }
}
