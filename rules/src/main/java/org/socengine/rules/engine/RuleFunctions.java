package org.socengine.rules.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The curated functions a rule may call besides Esper's built-ins. Each is pure, bounded in the
 * work it does, and null-safe, because rules are written by admins, not trusted code.
 */
public final class RuleFunctions {

    /** EPL name to Java method name, registered as Esper plug-in single-row functions. */
    public static final Map<String, String> FUNCTIONS =
            Map.ofEntries(
                    Map.entry("cidrmatch", "cidrMatch"),
                    Map.entry("entropy", "entropy"),
                    Map.entry("registered_domain", "registeredDomain"),
                    Map.entry("is_base64", "isBase64"),
                    Map.entry("strlen", "length"),
                    Map.entry("levenshtein", "levenshtein"),
                    Map.entry("label_max", "longestLabel"),
                    Map.entry("is_private_ip", "isPrivateIp"),
                    Map.entry("re_match", "reMatch"),
                    Map.entry("sigma_match", "sigmaMatch"),
                    Map.entry("sigma_match_cased", "sigmaMatchCased"),
                    Map.entry("sigma_fold", "sigmaFold"),
                    Map.entry("sigma_basename", "sigmaBasename"),
                    Map.entry("sigma_compare", "sigmaCompare"),
                    Map.entry("sigma_fieldref", "sigmaFieldRef"),
                    Map.entry("sigma_null", "sigmaNull"));

    private static final int MAX_INPUT = 4096;
    private static final Map<String, Block> CIDRS = new ConcurrentHashMap<>();
    private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/]{16,}={0,2}$");
    private static final Set<String> TWO_LEVEL_SUFFIXES =
            Set.of(
                    "gov.vn", "com.vn", "edu.vn", "org.vn", "net.vn", "co.uk", "org.uk", "ac.uk",
                    "com.au", "co.jp", "com.cn", "com.br", "co.in");

    /** Compiled re_match patterns; rules name a handful, as constants (the sandbox insists). */
    private static final Map<String, com.google.re2j.Pattern> RE2 = new ConcurrentHashMap<>();

    /** Longest re_match pattern a rule may give. */
    static final int MAX_PATTERN = 2048;

    /** Input re_match looks at: RE2 is linear, this bounds the line. */
    private static final int MAX_RE_INPUT = 64 * 1024;

    private RuleFunctions() {}

    /**
     * True when the pattern matches the whole value (like Esper's {@code regexp}), run by RE2/J:
     * linear in the input whatever the pattern, where java.util.regex can backtrack for ever.
     * Patterns are RE2 syntax (no backreferences or lookaround); {@code (?i)} works.
     */
    public static boolean reMatch(String value, String pattern) {
        if (value == null || pattern == null) {
            return false;
        }
        com.google.re2j.Pattern p = RE2.get(pattern);
        if (p == null) {
            if (pattern.length() > MAX_PATTERN) {
                return false;
            }
            try {
                p = com.google.re2j.Pattern.compile(pattern);
            } catch (com.google.re2j.PatternSyntaxException e) {
                return false;
            }
            if (RE2.size() < 10_000) {
                RE2.put(pattern, p);
            }
        }
        String v = value.length() > MAX_RE_INPUT ? value.substring(0, MAX_RE_INPUT) : value;
        return p.matches(v);
    }

    /**
     * True when the value (a string, or a number as its decimal text) matches a Sigma string value:
     * {@code *} and {@code ?} wildcards, {@code \\} escaping the next character, compared without
     * regard to case as Sigma specifies. Null matches nothing.
     */
    public static boolean sigmaMatch(Object value, String... patterns) {
        return SigmaMatchers.any(value, patterns, false);
    }

    /** {@link #sigmaMatch} with case (Sigma's {@code cased} modifier). */
    public static boolean sigmaMatchCased(Object value, String... patterns) {
        return SigmaMatchers.any(value, patterns, true);
    }

    /**
     * The value's text with its case folded as Sigma compares ({@code toLowerCase(toUpperCase(c))}
     * per character), folded once per event however many rules ask: {@code sigma_fold(x) in
     * ('cmd.exe', 'powershell.exe')} is Sigma's case-insensitive equality in a form Esper's filter
     * index serves across rules. Null for null.
     */
    public static String sigmaFold(Object value) {
        return SigmaMatchers.folded(value);
    }

    /**
     * The folded last segment of a Windows path (after its last backslash), as {@link #sigmaFold}
     * folds it; null for null or a value without a backslash. {@code sigma_basename(x) =
     * 'whoami.exe'} is Sigma's {@code endswith '\\whoami.exe'}, in a form Esper's filter index
     * serves across rules.
     */
    public static String sigmaBasename(Object value) {
        String folded = SigmaMatchers.folded(value);
        if (folded == null) {
            return null;
        }
        int slash = folded.lastIndexOf('\\');
        return slash < 0 ? null : folded.substring(slash + 1);
    }

    /** Text with its case folded as {@link #sigmaFold} folds it: for constants, at compile time. */
    public static String foldCase(String text) {
        return text == null ? null : SigmaMatchers.fold(text);
    }

    /**
     * True when the field is absent. Sigma's {@code field: null} under a {@code not}: Esper's
     * filter planner cannot compile {@code not (x is null)} on a mapped property.
     */
    public static boolean sigmaNull(Object value) {
        return value == null;
    }

    /**
     * Sigma's {@code lt}, {@code lte}, {@code gt}, {@code gte}: the value read as a number (a
     * string of digits too, as Windows event data is) compared to the bound; false when it is not a
     * number, so that {@code not} around it behaves as Sigma says.
     */
    public static boolean sigmaCompare(Object value, String op, double bound) {
        Double v = number(value);
        if (v == null || op == null) {
            return false;
        }
        return switch (op) {
            case "lt" -> v < bound;
            case "lte" -> v <= bound;
            case "gt" -> v > bound;
            case "gte" -> v >= bound;
            default -> false;
        };
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (!(value instanceof String s) || s.isEmpty() || s.length() > 32) {
            return null;
        }
        try {
            String t = s.strip();
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return (double) Long.parseLong(t.substring(2), 16);
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Sigma's {@code fieldref}: one field's value compared with another's, without regard to case;
     * {@code mode} is {@code equals}, {@code startswith}, {@code endswith} or {@code contains}.
     */
    public static boolean sigmaFieldRef(Object value, Object other, String mode) {
        if (value == null || other == null || mode == null) {
            return false;
        }
        String a = String.valueOf(value);
        String b = String.valueOf(other);
        if (a.length() > MAX_RE_INPUT || b.length() > MAX_RE_INPUT) {
            return false;
        }
        return switch (mode) {
            case "equals" -> a.equalsIgnoreCase(b);
            case "startswith" -> a.regionMatches(true, 0, b, 0, b.length());
            case "endswith" ->
                    a.length() >= b.length()
                            && a.regionMatches(true, a.length() - b.length(), b, 0, b.length());
            case "contains" -> a.toLowerCase(Locale.ROOT).contains(b.toLowerCase(Locale.ROOT));
            default -> false;
        };
    }

    /** Why a re_match pattern is refused, or null when RE2 compiles it. */
    static String rePatternProblem(String pattern) {
        if (pattern.length() > MAX_PATTERN) {
            return "longer than " + MAX_PATTERN + " characters";
        }
        try {
            com.google.re2j.Pattern.compile(pattern);
            return null;
        } catch (com.google.re2j.PatternSyntaxException e) {
            return e.getMessage();
        }
    }

    /** True when the IPv4 or IPv6 address lies in the CIDR block ({@code 10.0.0.0/8}). */
    public static boolean cidrMatch(String ip, String cidr) {
        if (ip == null || cidr == null) {
            return false;
        }
        return in(literal(ip), block(cidr));
    }

    public static boolean isPrivateIp(String ip) {
        if (ip == null) {
            return false;
        }
        // One parse of the address for the five blocks: rules call this on every flow.
        byte[] addr = literal(ip);
        for (Block b : PRIVATE) {
            if (in(addr, b)) {
                return true;
            }
        }
        return false;
    }

    /** A parsed CIDR block; {@code INVALID} for text that is not one. */
    private record Block(byte[] net, int bits) {}

    private static final Block INVALID = new Block(null, -1);

    private static final Block[] PRIVATE = {
        block("10.0.0.0/8"),
        block("172.16.0.0/12"),
        block("192.168.0.0/16"),
        block("127.0.0.0/8"),
        block("fc00::/7")
    };

    // Rules name a handful of blocks as constants: parse each once. Bounded, so that a rule
    // computing blocks from event fields cannot grow it without limit.
    private static Block block(String cidr) {
        Block b = CIDRS.get(cidr);
        if (b == null) {
            b = parseBlock(cidr);
            if (CIDRS.size() < 10_000) {
                CIDRS.put(cidr, b);
            }
        }
        return b;
    }

    private static Block parseBlock(String cidr) {
        int slash = cidr.indexOf('/');
        byte[] net = literal(slash < 0 ? cidr : cidr.substring(0, slash));
        if (net == null) {
            return INVALID;
        }
        int bits;
        try {
            bits = slash < 0 ? net.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return INVALID;
        }
        if (bits < 0 || bits > net.length * 8) {
            return INVALID;
        }
        return new Block(net, bits);
    }

    private static boolean in(byte[] addr, Block block) {
        byte[] net = block.net();
        if (addr == null || net == null || addr.length != net.length) {
            return false;
        }
        int bits = block.bits();
        for (int i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((addr[i] & mask) != (net[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Shannon entropy in bits per character. */
    public static double entropy(String s) {
        if (s == null || s.isEmpty()) {
            return 0.0;
        }
        String t = s.length() > MAX_INPUT ? s.substring(0, MAX_INPUT) : s;
        int[] counts = new int[65536];
        for (int i = 0; i < t.length(); i++) {
            counts[t.charAt(i)]++;
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / t.length();
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }

    /**
     * The registered domain ({@code evil.example.com -> example.com}, {@code a.b.gov.vn ->
     * b.gov.vn}).
     */
    public static String registeredDomain(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        String[] labels = n.split("\\.");
        if (labels.length <= 2) {
            return n;
        }
        String lastTwo = labels[labels.length - 2] + "." + labels[labels.length - 1];
        int keep = TWO_LEVEL_SUFFIXES.contains(lastTwo) ? 3 : 2;
        StringBuilder sb = new StringBuilder();
        for (int i = labels.length - keep; i < labels.length; i++) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(labels[i]);
        }
        return sb.toString();
    }

    /** The length of the longest label of a DNS name. */
    public static int longestLabel(String name) {
        if (name == null) {
            return 0;
        }
        int max = 0;
        int cur = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                cur = 0;
            } else {
                max = Math.max(max, ++cur);
            }
        }
        return max;
    }

    /** True when the text looks like base64 and decodes to mostly printable bytes. */
    public static boolean isBase64(String s) {
        if (s == null || s.length() > MAX_INPUT || !BASE64.matcher(s).matches()) {
            return false;
        }
        try {
            byte[] b = Base64.getDecoder().decode(s);
            String d = new String(b, StandardCharsets.ISO_8859_1);
            long printable = d.chars().filter(c -> c >= 0x20 && c < 0x7F).count();
            return printable >= 0.8 * d.length();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Edit distance, bounded to inputs of 256 characters. */
    public static int levenshtein(String a, String b) {
        if (a == null || b == null) {
            return Integer.MAX_VALUE;
        }
        String x = a.length() > 256 ? a.substring(0, 256) : a;
        String y = b.length() > 256 ? b.substring(0, 256) : b;
        int[] prev = new int[y.length() + 1];
        int[] cur = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length()];
    }

    private static boolean isDottedDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** Four dot-separated decimal parts of one to three digits, each at most 255; else null. */
    private static byte[] v4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i == s.length() ? '.' : s.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                if (++digits > 3) {
                    return null;
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            }
        }
        return part == 4 ? out : null;
    }

    // Parses only numeric literals: never a name lookup, so no DNS traffic from a rule.
    private static byte[] literal(String ip) {
        String s = ip.trim();
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (isDottedDigits(s)) {
            return v4(s);
        }
        boolean v6 =
                s.indexOf(':') >= 0
                        && s.chars()
                                .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
