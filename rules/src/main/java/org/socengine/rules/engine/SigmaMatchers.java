package org.socengine.rules.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot path of Sigma rules: {@code sigma_match} and {@code sigma_fold}. A thousand Sigma rules
 * look at the same few fields of every process event, so the case of a value is folded once per
 * event (a per-thread cache keyed by the value's identity: every rule reads the same String of the
 * same event) and each rule's list of patterns is one matcher, built once, that compares folded
 * text with plain {@code equals}/{@code startsWith}/{@code endsWith}. The {@code contains} values
 * of every rule are needles of one shared Aho-Corasick automaton ({@link SubstringAutomaton}): a
 * folded text is scanned once per event for all of them, and a rule's list tests its bit instead of
 * searching the text for each of its values (SigmaHQ's emoji rules search every command line for a
 * thousand); a general wildcard is tried only when its longest literal is in the text.
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

    /** Most lists a thread finds by the identity of their constants. */
    private static final int MAX_THREAD_LISTS = 50_000;

    /** Most needle characters in the shared automaton; lists beyond it scan on their own. */
    static final int MAX_SHARED_CHARS = 4_000_000;

    /**
     * Calls after the last new list before the shared automaton is rebuilt with it: rules are first
     * evaluated in a burst after a deploy, and one rebuild after the burst does for all.
     */
    static final int REBUILD_AFTER = 4096;

    private static final Map<Key, PatternList> FOLDED = new ConcurrentHashMap<>();
    private static final Map<Key, PatternList> CASED = new ConcurrentHashMap<>();

    private static final SharedNeedles SHARED = new SharedNeedles();

    private static final int CACHE = 8;

    /**
     * What a thread keeps between calls: the last values folded (one event's fields, read by every
     * rule), the shared automaton's hits in the last texts, and the lists by their constants.
     */
    private static final class PerThread {
        final Object[] values = new Object[CACHE];
        final String[] folded = new String[CACHE];
        int next;

        final String[] scanned = new String[CACHE];
        final SubstringAutomaton[] scannedBy = new SubstringAutomaton[CACHE];
        final long[][] hits = new long[CACHE][];
        int nextScan;

        final IdentityHashMap<String, PatternList[]> foldedLists = new IdentityHashMap<>();
        final IdentityHashMap<String, PatternList[]> casedLists = new IdentityHashMap<>();
    }

    private static final ThreadLocal<PerThread> THREAD = ThreadLocal.withInitial(PerThread::new);

    private SigmaMatchers() {}

    /** The value's text, folded; null for null. */
    static String folded(Object value) {
        return value == null ? null : folded(value, THREAD.get());
    }

    private static String folded(Object value, PerThread c) {
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
        PerThread t = THREAD.get();
        PatternList list = list(patterns, cased, t);
        if (list == null) {
            return false;
        }
        if (cased) {
            String s = value instanceof String str ? str : String.valueOf(value);
            return list.matches(s.length() > MAX_INPUT ? s.substring(0, MAX_INPUT) : s);
        }
        String v = folded(value, t);
        if (list.shared) {
            SubstringAutomaton a = SHARED.current();
            if (a.groups() > list.firstGroup) {
                return list.matches(v, hits(v, a, t), a.groups());
            }
        }
        return list.matches(v);
    }

    /** The shared automaton's hits in {@code text}: one scan per text and automaton per thread. */
    private static long[] hits(String text, SubstringAutomaton a, PerThread t) {
        for (int i = 0; i < CACHE; i++) {
            if (t.scanned[i] == text && t.scannedBy[i] == a) {
                return t.hits[i];
            }
        }
        int slot = t.nextScan;
        t.nextScan = (slot + 1) % CACHE;
        long[] h = t.hits[slot];
        if (h == null || h.length != ((a.groups() + 63) >>> 6)) {
            h = a.newHits();
            t.hits[slot] = h;
        }
        a.scan(text, h);
        t.scanned[slot] = text;
        t.scannedBy[slot] = a;
        return h;
    }

    /** Rebuilds the shared automaton now with every list made so far (for tests). */
    static void shareNow() {
        SHARED.rebuild();
    }

    /** The groups of the shared automaton in use (for tests). */
    static int sharedGroups() {
        return SHARED.automaton.groups();
    }

    private static PatternList list(String[] patterns, boolean cased, PerThread t) {
        // Rules pass their patterns as constants: the same String instances call after call, so
        // the list is found by identity, without hashing a thousand emoji.
        IdentityHashMap<String, PatternList[]> mine = cased ? t.casedLists : t.foldedLists;
        PatternList[] known = mine.get(patterns[0]);
        if (known != null) {
            for (PatternList l : known) {
                if (l.sameConstants(patterns)) {
                    return l;
                }
            }
        }
        PatternList list = sharedList(patterns, cased);
        if (list != null && list.sameConstants(patterns) && mine.size() < MAX_THREAD_LISTS) {
            if (known == null) {
                mine.put(patterns[0], new PatternList[] {list});
            } else if (known.length < 16) {
                PatternList[] more = Arrays.copyOf(known, known.length + 1);
                more[known.length] = list;
                mine.put(patterns[0], more);
            }
        }
        return list;
    }

    private static PatternList sharedList(String[] patterns, boolean cased) {
        Map<Key, PatternList> cache = cased ? CASED : FOLDED;
        Key key = new Key(patterns);
        PatternList list = cache.get(key);
        if (list == null) {
            for (String p : patterns) {
                if (p == null || p.length() > RuleFunctions.MAX_PATTERN) {
                    return null;
                }
            }
            boolean keep = cache.size() < MAX_LISTS;
            list = new PatternList(patterns.clone(), cased, keep && !cased ? SHARED : null);
            if (keep) {
                PatternList first = cache.putIfAbsent(new Key(list.constants), list);
                if (first != null) {
                    list = first;
                }
            }
        }
        return list;
    }

    /**
     * The needles of every folded list, numbered in groups (a list's {@code contains} values are
     * one group, each general wildcard's longest literal another), and the automaton that finds
     * them all in one scan. A new list's groups join the automaton at the next rebuild; until then
     * the list scans on its own.
     */
    private static final class SharedNeedles {
        private final List<String[]> groups = new ArrayList<>();
        private int chars;
        private volatile SubstringAutomaton automaton = SubstringAutomaton.EMPTY;
        private volatile boolean stale;

        /** Calls since the last new group while stale: only paces the rebuild, so may race. */
        private int quiet;

        /** Numbers of consecutive groups for {@code needles}, the first returned; -1 if full. */
        synchronized int register(List<String[]> needles) {
            int more = 0;
            for (String[] g : needles) {
                for (String n : g) {
                    more += n.length();
                }
            }
            if (needles.isEmpty() || chars + more > MAX_SHARED_CHARS) {
                return -1;
            }
            int first = groups.size();
            groups.addAll(needles);
            chars += more;
            quiet = 0;
            stale = true;
            return first;
        }

        SubstringAutomaton current() {
            if (stale && ++quiet >= REBUILD_AFTER) {
                rebuild();
            }
            return automaton;
        }

        synchronized void rebuild() {
            if (stale) {
                stale = false;
                automaton = new SubstringAutomaton(new ArrayList<>(groups));
            }
        }
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
     * prefixes, suffixes, substrings, and the general wildcards last. A folded list's substrings,
     * and each wildcard's longest literal, are also groups of the shared automaton.
     */
    static final class PatternList {
        final String[] constants;
        private final String[] exact;
        private final String[] prefixes;
        private final String[] suffixes;
        private final String[] substrings;
        private final WildcardPattern[] globs;

        /** True when some of its groups are in the shared automaton's numbering. */
        final boolean shared;

        /** The shared group of the substrings, or -1. */
        private final int substringGroup;

        /** The shared group of each wildcard's longest literal, or -1. */
        private final int[] globGroups;

        /** The lowest of its shared groups: an automaton with more groups covers the list. */
        final int firstGroup;

        PatternList(String[] patterns, boolean cased, SharedNeedles shared) {
            this.constants = patterns;
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
            substrings = c.stream().distinct().toArray(String[]::new);
            globs = g.toArray(new WildcardPattern[0]);
            int[] globGroup = new int[globs.length];
            Arrays.fill(globGroup, -1);
            int substringAt = -1;
            int first = -1;
            if (shared != null) {
                List<String[]> needles = new ArrayList<>();
                if (substrings.length > 0) {
                    substringAt = needles.size();
                    needles.add(substrings);
                }
                for (int i = 0; i < globs.length; i++) {
                    // One or no literal character is no filter worth a bit.
                    String literal = globs[i].longestLiteral();
                    if (literal.length() > 1) {
                        globGroup[i] = needles.size();
                        needles.add(new String[] {literal});
                    }
                }
                first = needles.isEmpty() ? -1 : shared.register(needles);
            }
            this.shared = first >= 0;
            this.firstGroup = first;
            this.substringGroup = first >= 0 && substringAt >= 0 ? first + substringAt : -1;
            for (int i = 0; i < globGroup.length; i++) {
                globGroup[i] = first >= 0 && globGroup[i] >= 0 ? first + globGroup[i] : -1;
            }
            this.globGroups = globGroup;
        }

        /** True when {@code patterns} are this list's constants, the very same instances. */
        boolean sameConstants(String[] patterns) {
            if (patterns.length != constants.length) {
                return false;
            }
            for (int i = 0; i < patterns.length; i++) {
                if (patterns[i] != constants[i]) {
                    return false;
                }
            }
            return true;
        }

        boolean matches(String v) {
            return matches(v, null, 0);
        }

        /**
         * As {@link #matches(String)}, with {@code hits} of the shared automaton over {@code v}
         * (covering groups below {@code covered}) answering for the substrings and ruling out the
         * wildcards whose longest literal is not in {@code v}.
         */
        boolean matches(String v, long[] hits, int covered) {
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
            if (hits != null && substringGroup >= 0 && substringGroup < covered) {
                if (SubstringAutomaton.hit(hits, substringGroup)) {
                    return true;
                }
            } else {
                for (String x : substrings) {
                    if (v.contains(x)) {
                        return true;
                    }
                }
            }
            for (int i = 0; i < globs.length; i++) {
                int group = globGroups[i];
                if (hits != null
                        && group >= 0
                        && group < covered
                        && !SubstringAutomaton.hit(hits, group)) {
                    continue;
                }
                if (globs[i].matches(v)) {
                    return true;
                }
            }
            return false;
        }
    }
}
