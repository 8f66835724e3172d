package org.socengine.cli;

import java.util.List;

/** Fixed-width columns an analyst can read in a terminal; long cells are cut with "…". */
final class TextTable {

    private TextTable() {}

    /** The first row is the header; {@code max[i]} bounds column i's width. */
    static String render(List<String[]> rows, int[] max) {
        int[] w = new int[max.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.min(max[i], Math.max(w[i], r[i].length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                String c = r[i].length() > w[i] ? r[i].substring(0, w[i] - 1) + "…" : r[i];
                sb.append(c);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(w[i] - c.length() + 2));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
