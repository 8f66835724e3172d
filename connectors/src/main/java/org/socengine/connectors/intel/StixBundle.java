package org.socengine.connectors.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Indicators of a STIX 2.1 bundle: every {@code indicator} object whose {@code pattern_type} is
 * {@code stix} and whose pattern is one or more comparisons of a supported observable with {@code
 * =}, joined by {@code OR} ({@code [ipv4-addr:value = '198.51.100.7' OR domain-name:value =
 * 'evil.example']}, {@code [url:value = '...'] OR [file:hashes.'SHA-256' = '...']}). A pattern with
 * {@code AND} or {@code FOLLOWEDBY} needs several observations together, which an atomic match
 * cannot tell: such indicators are skipped and counted, not half-applied. A revoked indicator
 * deletes its values.
 *
 * <p>{@code confidence}, {@code valid_from}, {@code valid_until} and {@code name} are kept; the
 * source is the name of the {@code identity} that {@code created_by_ref} points to, else {@code
 * stix}. A custom property {@code x_soc_hunt: true} marks it for retro-hunt.
 */
public final class StixBundle {

    private static final Map<String, IndicatorKind> PATHS = new HashMap<>();

    static {
        PATHS.put("ipv4-addr:value", IndicatorKind.IP);
        PATHS.put("ipv6-addr:value", IndicatorKind.IP);
        PATHS.put("network-traffic:dst_ref.value", IndicatorKind.IP);
        PATHS.put("network-traffic:src_ref.value", IndicatorKind.IP);
        PATHS.put("domain-name:value", IndicatorKind.DOMAIN);
        PATHS.put("url:value", IndicatorKind.URL);
        PATHS.put("email-addr:value", IndicatorKind.EMAIL);
        PATHS.put("email-message:from_ref.value", IndicatorKind.EMAIL);
        PATHS.put("email-message:sender_ref.value", IndicatorKind.EMAIL);
        for (String h : List.of("'SHA-256'", "SHA256", "'SHA256'", "sha256", "'sha256'")) {
            PATHS.put("file:hashes." + h, IndicatorKind.SHA256);
        }
        for (String h : List.of("'SHA-1'", "SHA1", "'SHA1'", "sha1", "'sha1'")) {
            PATHS.put("file:hashes." + h, IndicatorKind.SHA1);
        }
        for (String h : List.of("MD5", "'MD5'", "md5", "'md5'")) {
            PATHS.put("file:hashes." + h, IndicatorKind.MD5);
        }
    }

    private StixBundle() {}

    /** True when the document is a STIX bundle. */
    public static boolean is(JsonNode root) {
        return root.isObject() && "bundle".equals(root.path("type").asText());
    }

    public static void read(JsonNode bundle, String name, FeedLoad into) {
        JsonNode objects = bundle.path("objects");
        if (!objects.isArray()) {
            into.problem(name, "bundle has no 'objects' array");
            return;
        }
        Map<String, String> identities = new HashMap<>();
        for (JsonNode o : objects) {
            if ("identity".equals(o.path("type").asText())) {
                identities.put(o.path("id").asText(), o.path("name").asText(null));
            }
        }
        int n = 0;
        for (JsonNode o : objects) {
            n++;
            if (!"indicator".equals(o.path("type").asText())) {
                continue;
            }
            String id = o.path("id").asText("objects[" + (n - 1) + "]");
            String where = name + ": " + id;
            String patternType = o.path("pattern_type").asText("stix");
            if (!patternType.equals("stix")) {
                into.skip("pattern_type " + patternType);
                continue;
            }
            String pattern = o.path("pattern").asText(null);
            if (pattern == null) {
                into.problem(where, "indicator has no pattern");
                continue;
            }
            List<String[]> comparisons;
            try {
                comparisons = comparisons(pattern);
            } catch (IllegalArgumentException e) {
                into.problem(where, "pattern " + pattern + ": " + e.getMessage());
                continue;
            }
            if (comparisons == null) {
                into.skip("pattern with AND or FOLLOWEDBY");
                continue;
            }
            String creator = identities.get(o.path("created_by_ref").asText(""));
            int confidence;
            long validFrom;
            long validUntil;
            try {
                confidence =
                        o.has("confidence")
                                ? CsvFeed.confidence(o.path("confidence").asText())
                                : 50;
                validFrom = Indicator.time(o.path("valid_from").asText(null));
                validUntil = Indicator.time(o.path("valid_until").asText(null));
            } catch (IllegalArgumentException e) {
                into.problem(where, e.getMessage());
                continue;
            }
            boolean revoked = o.path("revoked").asBoolean(false);
            for (String[] c : comparisons) {
                IndicatorKind kind = PATHS.get(c[0]);
                if (kind == null) {
                    into.skip("observable " + c[0]);
                    continue;
                }
                Indicator i = new Indicator();
                i.kind = kind;
                try {
                    i.value = Indicator.normalize(kind, c[1]);
                } catch (IllegalArgumentException e) {
                    into.problem(where, e.getMessage());
                    continue;
                }
                i.source = creator != null ? creator : "stix";
                i.confidence = confidence;
                i.firstSeen = validFrom;
                i.validUntil = validUntil;
                i.description = o.path("name").asText(null);
                i.hunt = o.path("x_soc_hunt").asBoolean(false);
                if (revoked) {
                    into.delete(i.key());
                } else {
                    into.add(i);
                }
            }
        }
    }

    /**
     * The {@code (object path, value)} pairs of a pattern of comparisons joined by OR, or null when
     * the pattern joins observations or comparisons with AND or FOLLOWEDBY.
     *
     * @throws IllegalArgumentException when the pattern cannot be read
     */
    static List<String[]> comparisons(String pattern) {
        List<String> t = tokens(pattern);
        List<String[]> out = new ArrayList<>();
        int i = 0;
        boolean expectObservation = true;
        while (i < t.size()) {
            String tok = t.get(i);
            if (expectObservation) {
                if (tok.equals("(")) {
                    i++;
                    continue;
                }
                if (!tok.equals("[")) {
                    throw new IllegalArgumentException("expected '[' but found " + tok);
                }
                i++;
                boolean expectComparison = true;
                while (true) {
                    if (i >= t.size()) {
                        throw new IllegalArgumentException("missing ']'");
                    }
                    String x = t.get(i);
                    if (expectComparison) {
                        if (x.equals("(")) {
                            i++;
                            continue;
                        }
                        if (i + 2 >= t.size()) {
                            throw new IllegalArgumentException("incomplete comparison at " + x);
                        }
                        String op = t.get(i + 1);
                        String value = t.get(i + 2);
                        if (!op.equals("=")) {
                            throw new IllegalArgumentException(
                                    "only '=' comparisons are supported, not '" + op + "'");
                        }
                        if (!value.startsWith("'")) {
                            throw new IllegalArgumentException(
                                    "expected a quoted value after " + x + " =");
                        }
                        out.add(new String[] {x, value.substring(1)});
                        i += 3;
                        expectComparison = false;
                    } else if (x.equals(")")) {
                        i++;
                    } else if (x.equals("]")) {
                        i++;
                        break;
                    } else if (x.equalsIgnoreCase("OR")) {
                        i++;
                        expectComparison = true;
                    } else if (x.equalsIgnoreCase("AND")) {
                        return null;
                    } else {
                        throw new IllegalArgumentException("unexpected " + x);
                    }
                }
                expectObservation = false;
            } else {
                String u = tok.toUpperCase(Locale.ROOT);
                if (u.equals("OR")) {
                    expectObservation = true;
                } else if (u.equals("AND") || u.equals("FOLLOWEDBY")) {
                    return null;
                } else if (!tok.equals(")")) {
                    // Qualifiers (WITHIN, REPEATS, START ... STOP) say nothing an atomic match
                    // uses.
                }
                i++;
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no comparison");
        }
        return out;
    }

    /** Brackets, parentheses, operators, quoted strings (as {@code 'text}, unescaped) and words. */
    private static List<String> tokens(String p) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '[' || c == ']' || c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '=' || c == '!' || c == '<' || c == '>') {
                int j = i + 1;
                while (j < p.length() && "=<>".indexOf(p.charAt(j)) >= 0) {
                    j++;
                }
                out.add(p.substring(i, j));
                i = j;
            } else if (c == '\'') {
                StringBuilder b = new StringBuilder("'");
                int j = i + 1;
                boolean closed = false;
                while (j < p.length()) {
                    char d = p.charAt(j);
                    if (d == '\\' && j + 1 < p.length()) {
                        b.append(p.charAt(j + 1));
                        j += 2;
                    } else if (d == '\'') {
                        closed = true;
                        j++;
                        break;
                    } else {
                        b.append(d);
                        j++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated string");
                }
                out.add(b.toString());
                i = j;
            } else {
                int j = i;
                while (j < p.length()) {
                    char d = p.charAt(j);
                    if (d == '\'' && j > i && p.charAt(j - 1) == '.') {
                        int close = p.indexOf('\'', j + 1);
                        if (close < 0) {
                            throw new IllegalArgumentException("unterminated path segment");
                        }
                        j = close + 1;
                        continue;
                    }
                    if (Character.isWhitespace(d) || "[]()=!<>'".indexOf(d) >= 0) {
                        break;
                    }
                    j++;
                }
                out.add(p.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
