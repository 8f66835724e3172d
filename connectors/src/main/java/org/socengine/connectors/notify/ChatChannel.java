package org.socengine.connectors.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.socengine.model.Json;
import org.socengine.model.Notification;

/**
 * Slack and Mattermost incoming webhooks. Slack gets {@code text} (mrkdwn, also the text of the
 * push notification) and Block Kit {@code blocks}: a {@code header} (plain text, at most 150
 * characters) and a {@code section} (mrkdwn, at most 3,000). Mattermost gets {@code text}
 * (Markdown) and one Slack-style {@code attachments} entry coloured by severity with short fields,
 * which Mattermost renders the Slack way. The hook URL is itself the credential and is never shown.
 * Neither API has an idempotency header; the key is in the text, and the dispatcher sends each key
 * once.
 */
final class ChatChannel implements Channel {

    static final int SLACK_HEADER = 150;
    static final int SLACK_SECTION = 3000;
    static final int SLACK_TEXT = 3000;
    static final int MATTERMOST_TEXT = 4000;

    private final boolean slack;
    private final URI uri;
    private final HttpSender http;

    ChatChannel(boolean slack, URI uri, HttpSender http) {
        this.slack = slack;
        this.uri = uri;
        this.http = http;
    }

    static String slackPayload(Notification n) {
        NotificationText t = NotificationText.of(n);
        ObjectNode p = Json.mapper().createObjectNode();
        String body = t.render(NotificationText.Format.SLACK, SLACK_SECTION);
        p.put("text", t.render(NotificationText.Format.SLACK, SLACK_TEXT));
        ArrayNode blocks = p.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        ObjectNode ht = header.putObject("text");
        ht.put("type", "plain_text");
        ht.put("text", t.headline(SLACK_HEADER));
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        ObjectNode st = section.putObject("text");
        st.put("type", "mrkdwn");
        st.put("text", body);
        return write(p);
    }

    static String mattermostPayload(Notification n) {
        NotificationText t = NotificationText.of(n);
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("text", t.render(NotificationText.Format.MARKDOWN, MATTERMOST_TEXT));
        ArrayNode attachments = p.putArray("attachments");
        ObjectNode a = attachments.addObject();
        a.put("fallback", t.headline(SLACK_HEADER));
        a.put("color", colour(n.severity));
        a.put("title", t.headline(SLACK_HEADER));
        if (n.link != null && (n.link.startsWith("https://") || n.link.startsWith("http://"))) {
            a.put("title_link", NotificationText.clean(n.link, 2000));
        }
        ArrayNode fields = a.putArray("fields");
        for (Map.Entry<String, String> f :
                Map.of(
                                "Severity", NotificationText.clean(n.severity, 20),
                                "Risk", Integer.toString(n.risk),
                                "Department",
                                        NotificationText.clean(
                                                n.departmentName != null
                                                        ? n.departmentName
                                                        : n.departmentId,
                                                NotificationText.MAX_VALUE),
                                "Tier", Integer.toString(n.tier))
                        .entrySet()
                        .stream()
                        .sorted(Map.Entry.comparingByKey())
                        .toList()) {
            ObjectNode field = fields.addObject();
            field.put("short", true);
            field.put("title", f.getKey());
            field.put(
                    "value", NotificationText.esc(NotificationText.Format.MARKDOWN, f.getValue()));
        }
        return write(p);
    }

    static String colour(String severity) {
        String s = severity == null ? "" : severity.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical" -> "#b00020";
            case "high" -> "#e65100";
            case "medium" -> "#f9a825";
            default -> "#546e7a";
        };
    }

    private static String write(ObjectNode p) {
        try {
            return Json.mapper().writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int deliver(Notification n, String idempotencyKey) throws DeliveryFailure {
        return http.postJson(
                uri,
                slack ? slackPayload(n) : mattermostPayload(n),
                Map.of(
                        WebhookSignature.IDEMPOTENCY_HEADER,
                        WebhookChannel.headerSafe(idempotencyKey)));
    }
}
