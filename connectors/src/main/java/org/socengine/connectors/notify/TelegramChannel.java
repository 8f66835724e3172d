package org.socengine.connectors.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Map;
import org.socengine.model.Json;
import org.socengine.model.Notification;

/**
 * The Telegram Bot API's {@code sendMessage}: {@code POST <api_base>/bot<token>/sendMessage} with
 * {@code chat_id}, {@code text} (at most 4,096 characters after parsing; we count before, which is
 * stricter), {@code parse_mode} ({@code HTML} by default, or {@code MarkdownV2}) and link previews
 * off. The token is in the URL path, so the URL is never shown and error text is scrubbed of it.
 * Telegram's 429 carries {@code Retry-After}, which the retries obey.
 */
final class TelegramChannel implements Channel {

    static final int MAX_TEXT = 4096;

    private final URI uri;
    private final String chatId;
    private final String parseMode;
    private final HttpSender http;

    TelegramChannel(URI uri, String chatId, String parseMode, HttpSender http) {
        this.uri = uri;
        this.chatId = chatId;
        this.parseMode = parseMode;
        this.http = http;
    }

    static URI endpoint(String apiBase, String token) {
        String base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        return URI.create(base + "/bot" + token + "/sendMessage");
    }

    static String payload(Notification n, String chatId, String parseMode) {
        NotificationText.Format f =
                "MarkdownV2".equals(parseMode)
                        ? NotificationText.Format.TELEGRAM_MARKDOWN_V2
                        : NotificationText.Format.TELEGRAM_HTML;
        ObjectNode p = Json.mapper().createObjectNode();
        if (chatId.matches("-?\\d+")) {
            p.put("chat_id", Long.parseLong(chatId));
        } else {
            p.put("chat_id", chatId);
        }
        p.put("text", NotificationText.of(n).render(f, MAX_TEXT));
        p.put("parse_mode", parseMode);
        p.putObject("link_preview_options").put("is_disabled", true);
        try {
            return Json.mapper().writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int deliver(Notification n, String idempotencyKey) throws DeliveryFailure {
        return http.postJson(uri, payload(n, chatId, parseMode), Map.of());
    }
}
