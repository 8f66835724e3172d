package org.socengine.cli.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for everything the console writes into a page: every value that came from Elasticsearch,
 * a rule file or a request goes through {@link #text} (element content and quoted attribute values
 * alike) or {@link #url} (a query parameter).
 */
public final class Html {

    private Html() {}

    public static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '`' -> b.append("&#96;");
                default -> {
                    // Control characters other than tab and line breaks have no business in a page.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    public static String url(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Only http(s) links from rule files become links; anything else is shown as text. */
    public static boolean safeLink(String href) {
        return href != null && href.matches("https?://[^\\s\"'<>`]+");
    }
}
