package org.socengine.cli.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Stacked bar charts as inline SVG: no script, nothing fetched, readable without colour. */
final class Charts {

    private static final String[] PALETTE = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"
    };

    static final Map<String, String> SEVERITY_COLOURS =
            Map.of(
                    "low", "#8cb369",
                    "medium", "#f4a259",
                    "high", "#e15759",
                    "critical", "#8e0f2c");

    private Charts() {}

    static String stacked(
            ConsoleData.Series s, Map<String, String> colours, ZoneId zone, String title) {
        int width = 720;
        int height = 180;
        int left = 40;
        int bottom = 20;
        List<Long> buckets = s.buckets();
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height + 30)
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height + 30)
                .append("\"><title>")
                .append(Html.text(title))
                .append("</title>");
        int n = buckets.size();
        long max = 1;
        for (int i = 0; i < n; i++) {
            long sum = 0;
            for (long[] v : s.values().values()) {
                sum += v[i];
            }
            max = Math.max(max, sum);
        }
        double plotW = width - left - 10;
        double plotH = height - bottom - 10;
        b.append("<line x1=\"")
                .append(left)
                .append("\" y1=\"")
                .append(height - bottom)
                .append("\" x2=\"")
                .append(width - 10)
                .append("\" y2=\"")
                .append(height - bottom)
                .append("\" stroke=\"#888\"/>");
        b.append("<text x=\"2\" y=\"20\" class=\"axis\">").append(max).append("</text>");
        b.append("<text x=\"2\" y=\"").append(height - bottom).append("\" class=\"axis\">0</text>");
        double barW = n == 0 ? 0 : plotW / n;

        String[] keys = s.values().keySet().toArray(new String[0]);
        for (int i = 0; i < n; i++) {
            double y = height - bottom;
            for (int j = 0; j < keys.length; j++) {
                long v = s.values().get(keys[j])[i];
                if (v == 0) {
                    continue;
                }
                double h = plotH * v / max;
                y -= h;
                b.append(
                                String.format(
                                        java.util.Locale.ROOT,
                                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
                                        left + i * barW + 1,
                                        y,
                                        Math.max(1, barW - 2),
                                        h,
                                        colour(colours, keys[j], j)))
                        .append("<title>")
                        .append(Html.text(keys[j] + ": " + v))
                        .append("</title></rect>");
            }
        }
        if (n > 0) {
            DateTimeFormatter f = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(zone);
            b.append("<text x=\"")
                    .append(left)
                    .append("\" y=\"")
                    .append(height)
                    .append("\" class=\"axis\">")
                    .append(Html.text(f.format(Instant.ofEpochMilli(buckets.get(0)))))
                    .append("</text>");
            b.append("<text x=\"")
                    .append(width - 110)
                    .append("\" y=\"")
                    .append(height)
                    .append("\" class=\"axis\">")
                    .append(Html.text(f.format(Instant.ofEpochMilli(buckets.get(n - 1)))))
                    .append("</text>");
        }
        int x = left;
        for (int j = 0; j < keys.length; j++) {
            b.append("<rect x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(height + 12)
                    .append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(colour(colours, keys[j], j))
                    .append("\"/><text x=\"")
                    .append(x + 14)
                    .append("\" y=\"")
                    .append(height + 21)
                    .append("\" class=\"axis\">")
                    .append(Html.text(keys[j]))
                    .append("</text>");
            x += 24 + Math.min(140, keys[j].length() * 7);
        }
        b.append("</svg>");
        return b.toString();
    }

    private static String colour(Map<String, String> colours, String key, int index) {
        String c = colours == null ? null : colours.get(key);
        return c != null ? c : PALETTE[index % PALETTE.length];
    }
}
