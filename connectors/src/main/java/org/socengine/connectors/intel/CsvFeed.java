package org.socengine.connectors.intel;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.connectors.enrich.AssetInventory;

/**
 * Indicators as CSV (UTF-8, {@code #} starts a comment line, fields may be double-quoted). The
 * header names the columns, in any order; {@code type} and {@code value} are required:
 *
 * <pre>
 * type,value,source,confidence,first_seen,last_seen,valid_until,hunt,description,deleted
 * ip,198.51.100.66,vncert,80,2026-11-01,,2026-12-31,true,C2 of campaign X,
 * cidr,203.0.113.0/24,abuse-feed,60,,,,,scanner range,
 * domain,evil.example,vncert,90,,,,,,
 * sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,vt,70,,,,,,
 * </pre>
 *
 * {@code type} is one of {@link IndicatorKind#names()}; {@code confidence} 0 to 100 (default 50);
 * times ISO-8601 or epoch seconds; {@code deleted: true} publishes a tombstone for the indicator.
 */
public final class CsvFeed {

    private static final List<String> COLUMNS =
            List.of(
                    "type",
                    "value",
                    "source",
                    "confidence",
                    "first_seen",
                    "last_seen",
                    "valid_until",
                    "hunt",
                    "description",
                    "deleted");

    private CsvFeed() {}

    /** Reads CSV text; {@code name} is the file name problems are reported with. */
    public static void read(String text, String name, String defaultSource, FeedLoad into) {
        String[] lines = text.split("\r?\n", -1);
        Map<String, Integer> header = null;
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1];
            if (n == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String where = name + ":" + n;
            List<String> cols;
            try {
                cols = AssetInventory.csv(line);
            } catch (IllegalArgumentException e) {
                into.problem(where, e.getMessage());
                continue;
            }
            if (header == null) {
                header = new HashMap<>();
                for (int i = 0; i < cols.size(); i++) {
                    String c = cols.get(i).strip().toLowerCase(Locale.ROOT);
                    if (c.equals("expires") || c.equals("expiry")) {
                        c = "valid_until";
                    }
                    if (!COLUMNS.contains(c)) {
                        into.problem(
                                where,
                                "unknown column '"
                                        + c
                                        + "' (known: "
                                        + String.join(", ", COLUMNS)
                                        + ")");
                        return;
                    }
                    header.put(c, i);
                }
                if (!header.containsKey("type") || !header.containsKey("value")) {
                    into.problem(where, "the header must name the columns 'type' and 'value'");
                    return;
                }
                continue;
            }
            if (cols.size() > COLUMNS.size() || cols.size() < header.size()) {
                into.problem(where, "expected " + header.size() + " columns, found " + cols.size());
                continue;
            }
            String type = col(cols, header, "type");
            IndicatorKind kind = IndicatorKind.named(type);
            if (kind == null) {
                into.problem(
                        where,
                        "unknown type '" + type + "' (known: " + IndicatorKind.names() + ")");
                continue;
            }
            try {
                Indicator i = new Indicator();
                i.kind = kind;
                i.value = Indicator.normalize(kind, col(cols, header, "value"));
                String source = col(cols, header, "source");
                i.source = source != null ? source : defaultSource;
                String conf = col(cols, header, "confidence");
                i.confidence = conf == null ? 50 : confidence(conf);
                i.firstSeen = Indicator.time(col(cols, header, "first_seen"));
                i.lastSeen = Indicator.time(col(cols, header, "last_seen"));
                i.validUntil = Indicator.time(col(cols, header, "valid_until"));
                i.hunt = bool(col(cols, header, "hunt"));
                i.description = col(cols, header, "description");
                if (bool(col(cols, header, "deleted"))) {
                    into.delete(i.key());
                } else {
                    into.add(i);
                }
            } catch (IllegalArgumentException e) {
                into.problem(where, e.getMessage());
            }
        }
        if (header == null) {
            into.problem(name, "no header line (type,value,...)");
        }
    }

    static int confidence(String s) {
        try {
            int c = Integer.parseInt(s.strip());
            if (c < 0 || c > 100) {
                throw new IllegalArgumentException("confidence " + c + " is not between 0 and 100");
            }
            return c;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "confidence '" + s + "' is not a number from 0 to 100");
        }
    }

    private static boolean bool(String s) {
        if (s == null) {
            return false;
        }
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("1")) {
            return true;
        }
        if (v.equals("false") || v.equals("no") || v.equals("0") || v.isEmpty()) {
            return false;
        }
        throw new IllegalArgumentException("'" + s + "' is not true or false");
    }

    private static String col(List<String> cols, Map<String, Integer> header, String name) {
        Integer i = header.get(name);
        if (i == null || i >= cols.size()) {
            return null;
        }
        String v = cols.get(i).strip();
        return v.isEmpty() ? null : v;
    }
}
