package org.socengine.connectors.secrets;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in what the engine prints or logs: the password in a URL's user info ({@code
 * https://user:pass@host}), secret query parameters, {@code password=...} pairs (JAAS lines,
 * properties), and the values of settings whose names say they are secret. Used by every {@code
 * toString} of a settings class and wherever a URL or an error message that may carry one is
 * printed.
 */
public final class Redaction {

    /** What a hidden secret is replaced with. */
    public static final String MASK = "******";

    /** {@code scheme://userinfo@}: group 1 the scheme and slashes, group 2 the user info. */
    private static final Pattern URL_USER_INFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/?#@\"'<>]+)@");

    /** Secret query parameters and {@code key=value} / {@code key: value} pairs in free text. */
    private static final Pattern SECRET_PAIR =
            Pattern.compile(
                    "(?i)([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|api[_-]?key|apikey|token"
                            + "|credentials?|jaas[_.]config)[A-Za-z0-9_.-]*)"
                            + "(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;&\"']+)");

    private Redaction() {}

    /**
     * Whether a setting of this name holds a secret: passwords, API keys, tokens, JAAS lines, key
     * material. The {@code .file} and {@code .type} variants name a path or a kind, not a secret.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".file") || k.endsWith("_file") || k.endsWith(".type")) {
            return false;
        }
        return k.contains("password")
                || k.contains("passwd")
                || k.contains("api_key")
                || k.contains("apikey")
                || k.contains("api-key")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("token")
                || k.contains("credential")
                || k.endsWith(".key")
                || k.endsWith("keystore.key");
    }

    /** The value of a setting as it may be shown: masked if its name says secret. */
    public static String value(String key, String value) {
        if (value == null) {
            return null;
        }
        return isSecretKey(key) ? MASK : text(value);
    }

    /**
     * A URL with its password (and secret query parameters) hidden: {@code https://u:p@h/} becomes
     * {@code https://u:******@h/}; user info without a colon (a token) is hidden whole.
     */
    public static String url(String url) {
        return url == null ? null : text(url);
    }

    /**
     * Free text (an error message, a log line) with every URL's password and secret pair hidden.
     */
    public static String text(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        Matcher m = URL_USER_INFO.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String info = m.group(2);
            int colon = info.indexOf(':');
            String shown = colon < 0 ? MASK : info.substring(0, colon) + ":" + MASK;
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + shown + "@"));
        }
        m.appendTail(sb);
        Matcher p = SECRET_PAIR.matcher(sb);
        StringBuilder out = new StringBuilder();
        while (p.find()) {
            String v = p.group(3);
            String masked =
                    v.startsWith("\"")
                            ? "\"" + MASK + "\""
                            : v.startsWith("'") ? "'" + MASK + "'" : MASK;
            p.appendReplacement(out, Matcher.quoteReplacement(p.group(1) + p.group(2) + masked));
        }
        p.appendTail(out);
        return out.toString();
    }
}
