package org.socengine.connectors.notify;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.model.Notification;

/**
 * The words of a notification, one renderer for every channel: what happened (the incident title
 * and whether it is new, escalated or still open), where (department and entity), how bad
 * (severity, risk, tactics, alert count), the top alerts and the link. Every value that an attacker
 * can influence (titles, entity values, alert lines: they come from log records) is cut to a
 * length, stripped of control and bidi characters, and escaped for the target format, so a host
 * named {@code <!channel>} or {@code [click](https://evil)} is shown, never obeyed. Each rendering
 * fits the length limit it is given, dropping alert lines before anything else.
 */
public final class NotificationText {

    /** The formats the channels speak. */
    public enum Format {
        /** E-mail bodies and the webhook's {@code text}. */
        PLAIN,
        /** Slack mrkdwn. */
        SLACK,
        /** Mattermost Markdown. */
        MARKDOWN,
        /** Telegram {@code parse_mode=HTML}. */
        TELEGRAM_HTML,
        /** Telegram {@code parse_mode=MarkdownV2}. */
        TELEGRAM_MARKDOWN_V2
    }

    public static final int MAX_TOP_ALERTS = 5;
    static final int MAX_TITLE = 200;
    static final int MAX_VALUE = 120;
    static final int MAX_ALERT_LINE = 300;
    static final int MAX_ENTITY_FIELDS = 4;
    static final int MAX_SUBJECT = 200;

    private static final String ZERO_WIDTH_SPACE = "\u200B";

    private final Notification n;

    private NotificationText(Notification n) {
        this.n = n;
    }

    public static NotificationText of(Notification notification) {
        return new NotificationText(notification);
    }

    /** One line, plain: {@code [CRITICAL] Escalated (tier 2): title - Department}. */
    public String subject() {
        String s =
                "["
                        + severity().toUpperCase(Locale.ROOT)
                        + "] "
                        + what()
                        + ": "
                        + clean(n.title, MAX_TITLE)
                        + " - "
                        + department();
        return clip(s, MAX_SUBJECT);
    }

    /** The first line, plain and short (Slack's header block allows 150 characters). */
    public String headline(int maxChars) {
        return clip(
                "["
                        + severity().toUpperCase(Locale.ROOT)
                        + "] "
                        + what()
                        + ": "
                        + clean(n.title, MAX_TITLE),
                maxChars);
    }

    public String render(Format f, int maxChars) {
        List<String> head = new ArrayList<>();
        head.add(
                bold(f, "[" + severity().toUpperCase(Locale.ROOT) + "] " + what() + ":")
                        + " "
                        + esc(f, clean(n.title, MAX_TITLE)));
        String entity = entity();
        head.add(
                label(f, "Where")
                        + esc(f, department())
                        + (entity.isEmpty() ? "" : esc(f, " · " + entity)));
        StringBuilder bad = new StringBuilder();
        bad.append(severity()).append(", risk ").append(n.risk);
        bad.append(" · ").append(n.alertCount).append(n.alertCount == 1 ? " alert" : " alerts");
        if (n.tactics != null && !n.tactics.isEmpty()) {
            List<String> t = new ArrayList<>();
            for (String tactic : n.tactics.subList(0, Math.min(6, n.tactics.size()))) {
                t.add(clean(tactic, 40));
            }
            bad.append(" · tactics: ").append(String.join(", ", t));
        }
        head.add(label(f, "How bad") + esc(f, bad.toString()));
        if (n.incidentStart > 0) {
            head.add(label(f, "Since") + esc(f, Instant.ofEpochMilli(n.incidentStart).toString()));
        }
        head.add(
                label(f, "Tier")
                        + esc(
                                f,
                                n.tier
                                        + (n.tierName == null || n.tierName.isBlank()
                                                ? ""
                                                : " (" + clean(n.tierName, 60) + ")")));

        List<String> alerts = new ArrayList<>();
        List<String> top = n.topAlerts == null ? List.of() : n.topAlerts;
        for (String a : top.subList(0, Math.min(MAX_TOP_ALERTS, top.size()))) {
            alerts.add(bullet(f) + esc(f, clean(a, MAX_ALERT_LINE)));
        }

        List<String> tail = new ArrayList<>();
        if (n.link != null && !n.link.isBlank()) {
            tail.add(label(f, "Link") + link(f, n.link.trim()));
        }
        tail.add(
                esc(
                        f,
                        "Incident "
                                + clean(n.incidentId, MAX_VALUE)
                                + " · key "
                                + clean(n.idempotencyKey, MAX_TITLE)));
        return fit(f, head, alerts, tail, maxChars);
    }

    private String fit(
            Format f,
            List<String> headLines,
            List<String> alerts,
            List<String> tailLines,
            int max) {
        List<String> head = new ArrayList<>(headLines);
        List<String> tail = new ArrayList<>(tailLines);
        // Over the limit even without alerts: drop the key line, then the head's later lines,
        // then the link; the first line stays.
        while (length(head) + 1 + length(tail) > max) {
            if (tail.size() > 1) {
                tail.remove(tail.size() - 1);
            } else if (head.size() > 1) {
                head.remove(head.size() - 1);
            } else if (!tail.isEmpty()) {
                tail.remove(0);
            } else {
                break;
            }
        }
        if (length(head) + (tail.isEmpty() ? 0 : 1 + length(tail)) > max) {
            for (int k = max; k > 3; k -= Math.max(1, k / 8)) {
                String s = esc(f, headline(k));
                if (s.length() <= max) {
                    return s;
                }
            }
            return "";
        }
        List<String> out = new ArrayList<>(head);
        int used = length(head) + (tail.isEmpty() ? 0 : 1 + length(tail));
        if (!alerts.isEmpty()) {
            String title = bold(f, "Top alerts:");
            int start = used + 1 + title.length();
            List<String> chosen = new ArrayList<>();
            int withAlerts = start;
            for (String a : alerts) {
                if (withAlerts + 1 + a.length() > max) {
                    break;
                }
                chosen.add(a);
                withAlerts += 1 + a.length();
            }
            long more = Math.max(n.alertCount, alerts.size()) - chosen.size();
            String moreLine = more > 0 ? esc(f, "... and " + more + " more") : null;
            while (moreLine != null
                    && !chosen.isEmpty()
                    && withAlerts + 1 + moreLine.length() > max) {
                withAlerts -= 1 + chosen.remove(chosen.size() - 1).length();
                more++;
                moreLine = esc(f, "... and " + more + " more");
            }
            if (!chosen.isEmpty()) {
                out.add(title);
                out.addAll(chosen);
                if (moreLine != null && withAlerts + 1 + moreLine.length() <= max) {
                    out.add(moreLine);
                }
            }
        }
        out.addAll(tail);
        return String.join("\n", out);
    }

    private static int length(List<String> lines) {
        int len = Math.max(0, lines.size() - 1);
        for (String l : lines) {
            len += l.length();
        }
        return len;
    }

    private String what() {
        String kind = n.kind == null ? "" : n.kind;
        return switch (kind) {
            case Notification.ESCALATED -> "Escalated to tier " + n.tier;
            case Notification.REMINDER -> "Still open";
            default -> "New incident";
        };
    }

    private String severity() {
        String s = clean(n.severity, 20);
        return s.isEmpty() ? "unknown" : s;
    }

    private String department() {
        String name = clean(n.departmentName, MAX_VALUE);
        String id = clean(n.departmentId, MAX_VALUE);
        if (name.isEmpty()) {
            return id.isEmpty() ? "unknown department" : id;
        }
        return id.isEmpty() || id.equals(name) ? name : name + " (" + id + ")";
    }

    private String entity() {
        if (n.entity == null || n.entity.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> e : n.entity.entrySet()) {
            if (parts.size() == MAX_ENTITY_FIELDS) {
                break;
            }
            parts.add(clean(e.getKey(), 40) + "=" + clean(e.getValue(), MAX_VALUE));
        }
        return String.join(", ", parts);
    }

    private static String label(Format f, String label) {
        return bold(f, label + ":") + " ";
    }

    private static String bullet(Format f) {
        return switch (f) {
            case PLAIN -> "- ";
            case TELEGRAM_MARKDOWN_V2 -> "• ";
            default -> "• ";
        };
    }

    private static String bold(Format f, String text) {
        String e = esc(f, text);
        return switch (f) {
            case PLAIN -> e;
            case SLACK, TELEGRAM_MARKDOWN_V2 -> "*" + e + "*";
            case MARKDOWN -> "**" + e + "**";
            case TELEGRAM_HTML -> "<b>" + e + "</b>";
        };
    }

    /** The configured console or Kibana URL, as a link where it is an http(s) URL. */
    private static String link(Format f, String url) {
        String u = clean(url, 2000);
        boolean http;
        try {
            URI uri = URI.create(u);
            http =
                    ("http".equalsIgnoreCase(uri.getScheme())
                                    || "https".equalsIgnoreCase(uri.getScheme()))
                            && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            http = false;
        }
        if (!http || f == Format.PLAIN) {
            return esc(f, u);
        }
        return switch (f) {
            case SLACK ->
                    "<"
                            + u.replace("&", "&amp;").replace("|", "%7C").replace(">", "%3E")
                            + "|Open the incident>";
            case MARKDOWN ->
                    "[Open the incident](" + u.replace(")", "%29").replace(" ", "%20") + ")";
            case TELEGRAM_HTML -> "<a href=\"" + html(u) + "\">Open the incident</a>";
            case TELEGRAM_MARKDOWN_V2 ->
                    "[Open the incident](" + u.replace("\\", "\\\\").replace(")", "\\)") + ")";
            case PLAIN -> u;
        };
    }

    /** Escapes text for a format. */
    public static String esc(Format f, String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        return switch (f) {
            case PLAIN -> s;
            case SLACK -> s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            case MARKDOWN -> noMentions(backslash(s, "\\`*_{}[]()#+-.!|<>~"));
            case TELEGRAM_HTML -> noMentions(html(s));
            case TELEGRAM_MARKDOWN_V2 -> noMentions(backslash(s, "\\_*[]()~`>#+-=|{}.!"));
        };
    }

    private static String html(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String backslash(String s, String specials) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (specials.indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    // "@channel", "@all" or "@ciso" in a host name must not page a whole chat room.
    private static String noMentions(String s) {
        return s.replace("@", "@" + ZERO_WIDTH_SPACE);
    }

    /**
     * A value from the data: null as empty, control characters (line breaks too: a value cannot
     * start a line of its own) and bidi overrides as spaces, cut to {@code max} characters.
     */
    static String clean(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 8));
        for (int i = 0; i < s.length() && b.length() <= max; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
            if (Character.isISOControl(cp) || bidi || cp == 0x2028 || cp == 0x2029) {
                b.append(' ');
            } else {
                b.appendCodePoint(cp);
            }
        }
        return clip(b.toString().strip(), max);
    }

    /** At most {@code max} characters, never splitting a surrogate pair, "..." when cut. */
    static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Math.max(0, max - 3);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }
}
