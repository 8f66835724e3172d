package org.socengine.connectors.decode.core;

/** Small helpers the decoders and formats share: a capped string, a port. */
public final class DecoderSupport {

    private DecoderSupport() {}

    public static String cap(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        return s.substring(0, maxChars);
    }

    /** Parses a port, or null when the text is not one. */
    public static Integer port(String s) {
        if (s == null || s.isEmpty() || s.length() > 5) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return null;
            }
        }
        int p = Integer.parseInt(s);
        return p <= 65535 ? p : null;
    }
}
