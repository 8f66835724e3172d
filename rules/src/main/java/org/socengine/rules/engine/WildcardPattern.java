package org.socengine.rules.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A Sigma string value as a matcher: {@code *} any run of characters, {@code ?} one character,
 * {@code \} makes the next character literal. Case-insensitive unless cased, as Sigma specifies.
 * Matching never backtracks more than once per star (the classic two-pointer glob), so the work is
 * bounded by the input length times the pattern length, whatever either holds.
 */
final class WildcardPattern {

    enum Kind {
        EXACT,
        PREFIX,
        SUFFIX,
        CONTAINS,
        GLOB
    }

    /** Input looked at: a Sigma rule matches command lines and URLs, not documents. */
    static final int MAX_INPUT = 64 * 1024;

    private final Kind kind;

    /** The literal text (EXACT, PREFIX, SUFFIX, CONTAINS). */
    private final String literal;

    /** GLOB: the characters, and which of them are wildcards. */
    private final char[] chars;

    private final byte[] wild; // 0 literal, 1 '*', 2 '?'
    private final boolean ignoreCase;

    private WildcardPattern(
            Kind kind, String literal, char[] chars, byte[] wild, boolean ignoreCase) {
        this.kind = kind;
        this.literal = literal;
        this.chars = chars;
        this.wild = wild;
        this.ignoreCase = ignoreCase;
    }

    static WildcardPattern parse(String pattern, boolean ignoreCase) {
        List<Character> cs = new ArrayList<>();
        List<Byte> ws = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                cs.add(pattern.charAt(++i));
                ws.add((byte) 0);
            } else if (c == '*') {
                // Adjacent stars are one star.
                if (ws.isEmpty() || ws.get(ws.size() - 1) != 1) {
                    cs.add('*');
                    ws.add((byte) 1);
                }
            } else if (c == '?') {
                cs.add('?');
                ws.add((byte) 2);
            } else {
                cs.add(c);
                ws.add((byte) 0);
            }
        }
        int n = cs.size();
        char[] chars = new char[n];
        byte[] wild = new byte[n];
        int stars = 0;
        int singles = 0;
        for (int i = 0; i < n; i++) {
            chars[i] = cs.get(i);
            wild[i] = ws.get(i);
            if (wild[i] == 1) {
                stars++;
            } else if (wild[i] == 2) {
                singles++;
            }
        }
        boolean lead = n > 0 && wild[0] == 1;
        boolean trail = n > 0 && wild[n - 1] == 1;
        if (singles == 0) {
            if (stars == 0) {
                return new WildcardPattern(Kind.EXACT, new String(chars), null, null, ignoreCase);
            }
            if (stars == 1 && trail && !(lead && n == 1)) {
                return new WildcardPattern(
                        Kind.PREFIX, new String(chars, 0, n - 1), null, null, ignoreCase);
            }
            if (stars == 1 && lead) {
                return new WildcardPattern(
                        Kind.SUFFIX, new String(chars, 1, n - 1), null, null, ignoreCase);
            }
            if (stars == 2 && lead && trail && n > 2) {
                return new WildcardPattern(
                        Kind.CONTAINS, new String(chars, 1, n - 2), null, null, ignoreCase);
            }
        }
        return new WildcardPattern(Kind.GLOB, null, chars, wild, ignoreCase);
    }

    /**
     * The longest run of literal characters of a GLOB (or the literal of the other kinds): every
     * text the pattern matches contains it, so a text without it is no match.
     */
    String longestLiteral() {
        if (kind != Kind.GLOB) {
            return literal;
        }
        int best = 0;
        int bestStart = 0;
        for (int i = 0; i < chars.length; ) {
            if (wild[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < chars.length && wild[j] == 0) {
                j++;
            }
            if (j - i > best) {
                best = j - i;
                bestStart = i;
            }
            i = j;
        }
        return new String(chars, bestStart, best);
    }

    Kind kind() {
        return kind;
    }

    /** The literal text of an EXACT, PREFIX, SUFFIX or CONTAINS pattern. */
    String literal() {
        return literal;
    }

    boolean matches(String value) {
        String v = value.length() > MAX_INPUT ? value.substring(0, MAX_INPUT) : value;
        switch (kind) {
            case EXACT:
                return ignoreCase ? v.equalsIgnoreCase(literal) : v.equals(literal);
            case PREFIX:
                return v.regionMatches(ignoreCase, 0, literal, 0, literal.length());
            case SUFFIX:
                return v.length() >= literal.length()
                        && v.regionMatches(
                                ignoreCase,
                                v.length() - literal.length(),
                                literal,
                                0,
                                literal.length());
            case CONTAINS:
                return contains(v);
            default:
                return glob(v);
        }
    }

    private boolean contains(String v) {
        if (!ignoreCase) {
            return v.contains(literal);
        }
        int n = literal.length();
        if (n == 0) {
            return true;
        }
        char first = literal.charAt(0);
        char fu = Character.toUpperCase(first);
        char fl = Character.toLowerCase(first);
        for (int i = 0, last = v.length() - n; i <= last; i++) {
            char c = v.charAt(i);
            if ((c == first || c == fu || c == fl || same(c, first))
                    && v.regionMatches(true, i, literal, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private boolean glob(String v) {
        int p = 0;
        int s = 0;
        int star = -1;
        int mark = 0;
        int n = chars.length;
        while (s < v.length()) {
            if (p < n && wild[p] != 1 && (wild[p] == 2 || eq(v.charAt(s), chars[p]))) {
                p++;
                s++;
            } else if (p < n && wild[p] == 1) {
                star = p++;
                mark = s;
            } else if (star >= 0) {
                p = star + 1;
                s = ++mark;
            } else {
                return false;
            }
        }
        while (p < n && wild[p] == 1) {
            p++;
        }
        return p == n;
    }

    private boolean eq(char a, char b) {
        return a == b || (ignoreCase && same(a, b));
    }

    // As String.regionMatches(true, ...) compares: upper case, then lower case of that.
    private static boolean same(char a, char b) {
        char ua = Character.toUpperCase(a);
        char ub = Character.toUpperCase(b);
        return ua == ub || Character.toLowerCase(ua) == Character.toLowerCase(ub);
    }
}
