package org.socengine.connectors.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * POSTs JSON for the HTTP channels: http(s) only, no redirects (a redirect could carry a signed
 * body or a token to another host), a connect and a request timeout, and the answer sorted into
 * delivered, worth retrying (connection error, timeout, 408, 429, 5xx, with Retry-After) and
 * refused (other 4xx). Error text is scrubbed of the channel's secrets and never holds the URL.
 */
final class HttpSender {

    private static final int SNIPPET = 200;

    private final HttpClient client;
    private final Duration timeout;
    private final Scrubber scrubber;
    private final Clock clock;

    HttpSender(Duration timeout, Scrubber scrubber, Clock clock) {
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        this.timeout = timeout;
        this.scrubber = scrubber;
        this.clock = clock;
    }

    /** The URL checked: absolute, http or https, with a host. */
    static URI httpUri(String url, String what) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(what + " must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException(what + " has no host");
        }
        return uri;
    }

    int postJson(URI uri, String body, Map<String, String> headers) throws DeliveryFailure {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("User-Agent", "soc-engine-notifier")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        HttpResponse<String> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw DeliveryFailure.transientFailure("connect timed out", 0);
        } catch (HttpTimeoutException e) {
            throw DeliveryFailure.transientFailure(
                    "no answer within " + timeout.toMillis() + " ms", 0);
        } catch (IOException e) {
            throw DeliveryFailure.transientFailure(
                    "connection failed: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + scrubber.scrub(e.getMessage())),
                    0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.permanent("interrupted", 0);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return status;
        }
        String message = "HTTP " + status + snippet(response.body());
        Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
        if (retryAfter == null && status == 429) {
            retryAfter = telegramRetryAfter(response.body());
        }
        if (status == 429 || status == 408 || status >= 500) {
            throw new DeliveryFailure(message, true, status, retryAfter);
        }
        throw DeliveryFailure.permanent(message, status);
    }

    private String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        if (s.length() > SNIPPET) {
            s = s.substring(0, SNIPPET) + "...";
        }
        return ": " + scrubber.scrub(s);
    }

    /** Telegram says how long to wait in its JSON answer: {@code parameters.retry_after}. */
    static Duration telegramRetryAfter(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n =
                    org.socengine.model.Json.mapper()
                            .readTree(body)
                            .path("parameters")
                            .path("retry_after");
            return n.canConvertToLong() && n.asLong() >= 0 ? Duration.ofSeconds(n.asLong()) : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}
