package org.socengine.rules.sigma;

import java.util.ArrayList;
import java.util.List;

/**
 * A Sigma string value: literal text with {@code *} and {@code ?} wildcards. Parsed as pySigma
 * does: a backslash makes a following {@code *}, {@code ?} or backslash literal and is itself
 * literal before anything else, so {@code C:\Windows\} keeps its backslashes.
 */
final class SigmaString {

    /** A wildcard part: any run of characters. */
    static final Object STAR = new Object();

    /** A wildcard part: exactly one character. */
    static final Object ONE = new Object();

    /** Literal strings (never empty) and {@link #STAR} / {@link #ONE}, in order. */
    final List<Object> parts;

    private SigmaString(List<Object> parts) {
        this.parts = parts;
    }

    static SigmaString parse(String raw) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                if (i + 1 < raw.length()) {
                    char n = raw.charAt(i + 1);
                    if (n == '*' || n == '?' || n == '\\') {
                        lit.append(n);
                        i++;
                        continue;
                    }
                }
                lit.append(c);
            } else if (c == '*' || c == '?') {
                flush(lit, parts);
                parts.add(c == '*' ? STAR : ONE);
            } else {
                lit.append(c);
            }
        }
        flush(lit, parts);
        return new SigmaString(parts);
    }

    /** A value that is all literal text (the output of an encoding modifier). */
    static SigmaString literal(String text) {
        List<Object> parts = new ArrayList<>();
        if (!text.isEmpty()) {
            parts.add(text);
        }
        return new SigmaString(parts);
    }

    private static void flush(StringBuilder lit, List<Object> parts) {
        if (lit.length() > 0) {
            parts.add(lit.toString());
            lit.setLength(0);
        }
    }

    boolean hasWildcards() {
        for (Object p : parts) {
            if (!(p instanceof String)) {
                return true;
            }
        }
        return false;
    }

    /** The text when the value has no wildcards. */
    String text() {
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            b.append((String) p);
        }
        return b.toString();
    }

    /**
     * For {@code *\\name} with {@code name} plain text without a backslash (Sigma's {@code endswith
     * '\\name'} on a Windows path): {@code name}; else null.
     */
    String windowsBasename() {
        if (parts.size() != 2 || parts.get(0) != STAR || !(parts.get(1) instanceof String lit)) {
            return null;
        }
        if (lit.length() < 2 || lit.charAt(0) != '\\' || lit.indexOf('\\', 1) >= 0) {
            return null;
        }
        return lit.substring(1);
    }

    boolean startsWithStar() {
        return !parts.isEmpty() && parts.get(0) == STAR;
    }

    boolean endsWithStar() {
        return !parts.isEmpty() && parts.get(parts.size() - 1) == STAR;
    }

    SigmaString withLeadingStar() {
        if (startsWithStar()) {
            return this;
        }
        List<Object> p = new ArrayList<>(parts.size() + 1);
        p.add(STAR);
        p.addAll(parts);
        return new SigmaString(p);
    }

    SigmaString withTrailingStar() {
        if (endsWithStar()) {
            return this;
        }
        List<Object> p = new ArrayList<>(parts);
        p.add(STAR);
        return new SigmaString(p);
    }

    /** The same wildcards with each literal replaced. */
    SigmaString mapLiterals(java.util.function.UnaryOperator<String> f) {
        List<Object> p = new ArrayList<>(parts.size());
        for (Object o : parts) {
            p.add(o instanceof String s ? f.apply(s) : o);
        }
        p.removeIf(o -> o instanceof String s && s.isEmpty());
        return new SigmaString(p);
    }

    /**
     * The value in the pattern syntax of {@code sigma_match}: wildcards as {@code *} and {@code ?},
     * every literal {@code *}, {@code ?} and backslash escaped with a backslash.
     */
    String pattern() {
        StringBuilder b = new StringBuilder();
        for (Object o : parts) {
            if (o == STAR) {
                b.append('*');
            } else if (o == ONE) {
                b.append('?');
            } else {
                String s = (String) o;
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '*' || c == '?' || c == '\\') {
                        b.append('\\');
                    }
                    b.append(c);
                }
            }
        }
        return b.toString();
    }

    /** True when case cannot matter: no literal holds a letter. */
    boolean caseless() {
        for (Object o : parts) {
            if (o instanceof String s) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (Character.toUpperCase(c) != c || Character.toLowerCase(c) != c) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return pattern();
    }
}
