package org.socengine.connectors.decode.core;

/**
 * Hand-written scanners for the shapes the decoders read in many places, in one pass over the text.
 * They replace unanchored regular expressions whose backtracking made a long run of word characters
 * cost quadratic time (the regex engine retried the run from each of its characters).
 */
public final class Scan {

    private Scan() {}

    /** {@code \w} of java.util.regex: ASCII letters, digits and underscore. */
    public static boolean isWord(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_';
    }

    /** {@code \s} of java.util.regex. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * True when every character is printable ASCII (space to tilde). There {@code \s} is the space
     * alone, {@code \S} and {@code .} everything else, and {@code $} only the end: a scan written
     * for such text can accept exactly what a pattern accepts, and leave anything else (tabs, line
     * separators, non-ASCII) to the pattern itself.
     */
    public static boolean printableAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** True when the text is 1 to {@code max} ASCII digits. */
    public static boolean digits(String s, int min, int max) {
        int n = s.length();
        if (n < min || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Receives each pair a scan finds. */
    public interface PairSink {
        void pair(String key, String value);
    }

    /**
     * Every {@code key=value} of the text as {@code (\w+)=(\S*)} found them one after the other:
     * the key is a whole run of word characters that ends at {@code =}, the value runs to the next
     * whitespace.
     */
    public static void wordPairs(String s, PairSink sink) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isWord(s.charAt(i))) {
                i++;
                continue;
            }
            int a = i;
            while (i < n && isWord(s.charAt(i))) {
                i++;
            }
            if (i < n && s.charAt(i) == '=') {
                int v = i + 1;
                int end = v;
                while (end < n && !isSpace(s.charAt(end))) {
                    end++;
                }
                sink.pair(s.substring(a, i), s.substring(v, end));
                i = end;
            }
        }
    }

    /**
     * An ASA endpoint {@code [iface:]ip/port} as {@code (?:([A-Za-z][\w.-]*):)?
     * ([0-9a-fA-F:.]*[0-9a-fA-F])/(\d{1,5})} found it, from {@code from} on: the same leftmost
     * match, without retrying every start (that regex took minutes on a run of letters).
     *
     * @return {ifaceStart, ifaceEnd, ipStart, ipEnd, portStart, portEnd}, ifaceStart -1 without an
     *     interface; null when there is none
     */
    public static int[] asaEndpoint(String s, int from) {
        int n = s.length();
        int p = s.indexOf('/', from);
        while (p >= 0) {
            if (p + 1 < n && isDigit(s.charAt(p + 1)) && p - 1 >= from && isHex(s.charAt(p - 1))) {
                // The address is the run of address characters before the slash; no match can
                // start earlier except through an interface name and its colon.
                int q = p - 1;
                while (q - 1 >= from && isAddressChar(s.charAt(q - 1))) {
                    q--;
                }
                int ifaceStart = -1;
                int ifaceEnd = -1;
                int ipStart = q;
                int colon = -1;
                for (int j = q; j <= p - 2; j++) {
                    if (s.charAt(j) == ':') {
                        colon = j;
                        break;
                    }
                }
                if (colon >= 0) {
                    int r = colon;
                    while (r - 1 >= from && isIfaceChar(s.charAt(r - 1))) {
                        r--;
                    }
                    int letter = -1;
                    for (int j = r; j < colon && j <= q; j++) {
                        if (isLetter(s.charAt(j))) {
                            letter = j;
                            break;
                        }
                    }
                    // The regex tries the interface first at each start, so an interface that
                    // starts no later than the bare address wins.
                    if (letter >= 0) {
                        ifaceStart = letter;
                        ifaceEnd = colon;
                        ipStart = colon + 1;
                    }
                }
                int portEnd = p + 1;
                while (portEnd < n && portEnd < p + 6 && isDigit(s.charAt(portEnd))) {
                    portEnd++;
                }
                return new int[] {ifaceStart, ifaceEnd, ipStart, p, p + 1, portEnd};
            }
            p = s.indexOf('/', p + 1);
        }
        return null;
    }

    private static boolean isAddressChar(char c) {
        return isHex(c) || c == ':' || c == '.';
    }

    private static boolean isIfaceChar(char c) {
        return isWord(c) || c == '.' || c == '-';
    }

    /**
     * Runs of characters other than {@code [a-z0-9]} made one {@code _}, without one at either end:
     * {@code replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "")} in one pass.
     */
    public static String snake(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean gap = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (gap && b.length() > 0) {
                    b.append('_');
                }
                gap = false;
                b.append(c);
            } else {
                gap = true;
            }
        }
        return b.toString();
    }

    /** Every character outside {@code [a-z0-9_]} (or {@code [a-z0-9]}) replaced by {@code _}. */
    public static String underscore(String s, boolean keepUnderscore) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= '0' && c <= '9')
                            || (keepUnderscore && c == '_');
            if (!ok && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.append(ok ? c : '_');
            }
        }
        return b == null ? s : b.toString();
    }

    /** {@code replaceAll("[^a-z0-9]+", "_")} in one pass. */
    public static String runsToUnderscore(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean gap = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                b.append(c);
                gap = false;
            } else if (!gap) {
                b.append('_');
                gap = true;
            }
        }
        return b.toString();
    }

    /** {@code [a-z0-9_]{1,max}}. */
    public static boolean lowerWord(String s, int max) {
        int n = s.length();
        if (n < 1 || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z_-]{1,20}}: what an HTTP method looks like. */
    public static boolean method(String s) {
        int n = s.length();
        if (n < 1 || n > 20) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!(isLetter(c) || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Z_]+}. */
    public static boolean upperKey(String s) {
        int n = s.length();
        if (n < 1) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
