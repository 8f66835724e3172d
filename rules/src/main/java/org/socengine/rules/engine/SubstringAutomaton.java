package org.socengine.rules.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Aho-Corasick automaton over the needles of many groups: one pass over a text finds every group
 * with a needle in it. A thousand Sigma rules each searching the same command line for their own
 * {@code contains} values become one scan per event and a bit test per rule.
 *
 * <p>Immutable once built; the groups are numbered from 0 and a text's hits are a bit set indexed
 * by group.
 */
final class SubstringAutomaton {

    static final SubstringAutomaton EMPTY = new SubstringAutomaton(List.of());

    /** Dense transitions of the root, by character; -1 back to the root. */
    private final int[] root = new int[Character.MAX_VALUE + 1];

    /** Sorted characters and targets of the other states' transitions. */
    private final char[][] keys;

    private final int[][] targets;
    private final int[] fail;

    /** The groups of every needle that ends at a state, its suffixes' included; null for none. */
    private final int[][] out;

    private final int groups;

    /**
     * The automaton of {@code groups}: group {@code i} is hit by a text that contains any of {@code
     * groups.get(i)}. Empty needles are not allowed.
     */
    SubstringAutomaton(List<String[]> groups) {
        this.groups = groups.size();
        Arrays.fill(root, -1);
        List<Map<Character, Integer>> next = new ArrayList<>();
        List<List<Integer>> own = new ArrayList<>();
        next.add(new HashMap<>());
        own.add(null);
        for (int g = 0; g < groups.size(); g++) {
            for (String needle : groups.get(g)) {
                int s = 0;
                for (int i = 0; i < needle.length(); i++) {
                    Integer t = next.get(s).get(needle.charAt(i));
                    if (t == null) {
                        t = next.size();
                        next.add(new HashMap<>());
                        own.add(null);
                        next.get(s).put(needle.charAt(i), t);
                    }
                    s = t;
                }
                if (own.get(s) == null) {
                    own.set(s, new ArrayList<>());
                }
                own.get(s).add(g);
            }
        }
        int n = next.size();
        keys = new char[n][];
        targets = new int[n][];
        fail = new int[n];
        out = new int[n][];
        for (int s = 0; s < n; s++) {
            Map<Character, Integer> m = new LinkedHashMap<>();
            next.get(s).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> m.put(e.getKey(), e.getValue()));
            keys[s] = new char[m.size()];
            targets[s] = new int[m.size()];
            int i = 0;
            for (Map.Entry<Character, Integer> e : m.entrySet()) {
                keys[s][i] = e.getKey();
                targets[s][i++] = e.getValue();
            }
        }
        for (int i = 0; i < keys[0].length; i++) {
            root[keys[0][i]] = targets[0][i];
        }
        // Breadth first: a state's failure is the longest proper suffix of its text in the trie,
        // and its hits are its own needles' groups and its failure's.
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int t : targets[0]) {
            fail[t] = 0;
            out[t] = groups(own.get(t), null);
            queue.add(t);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int i = 0; i < keys[s].length; i++) {
                char c = keys[s][i];
                int t = targets[s][i];
                int f = fail[s];
                int to;
                while (true) {
                    to = step(f, c);
                    if (to >= 0 || f == 0) {
                        break;
                    }
                    f = fail[f];
                }
                fail[t] = to >= 0 ? to : 0;
                out[t] = groups(own.get(t), out[fail[t]]);
                queue.add(t);
            }
        }
    }

    private static int[] groups(List<Integer> own, int[] inherited) {
        if (own == null) {
            return inherited;
        }
        java.util.TreeSet<Integer> all = new java.util.TreeSet<>(own);
        if (inherited != null) {
            for (int g : inherited) {
                all.add(g);
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    private int step(int s, char c) {
        if (s == 0) {
            return root[c];
        }
        char[] k = keys[s];
        int lo = 0;
        int hi = k.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char x = k[mid];
            if (x < c) {
                lo = mid + 1;
            } else if (x > c) {
                hi = mid - 1;
            } else {
                return targets[s][mid];
            }
        }
        return -1;
    }

    /** How many groups; the hits of a text have a bit for each. */
    int groups() {
        return groups;
    }

    /** A bit set with room for every group. */
    long[] newHits() {
        return new long[(groups + 63) >>> 6];
    }

    /**
     * Sets in {@code hits} (cleared first) the bit of every group with a needle in {@code text}.
     */
    void scan(String text, long[] hits) {
        Arrays.fill(hits, 0L);
        int s = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            int t;
            while ((t = step(s, c)) < 0 && s != 0) {
                s = fail[s];
            }
            s = t < 0 ? 0 : t;
            int[] o = out[s];
            if (o != null) {
                for (int g : o) {
                    hits[g >>> 6] |= 1L << g;
                }
            }
        }
    }

    static boolean hit(long[] hits, int group) {
        return (hits[group >>> 6] & (1L << group)) != 0;
    }
}
