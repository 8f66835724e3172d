package org.socengine.connectors.notify;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each channel type needs in its settings, and the check behind {@link
 * ChannelSpec#problems()}: one message per problem, naming the channel, its type and the setting.
 */
final class ChannelChecks {

    static final String WEBHOOK = "webhook";
    static final String SLACK = "slack";
    static final String MATTERMOST = "mattermost";
    static final String TELEGRAM = "telegram";
    static final String EMAIL = "email";
    static final Set<String> TYPES = Set.of(WEBHOOK, SLACK, MATTERMOST, TELEGRAM, EMAIL);

    static final String TIMEOUT_MS = "timeout_ms";
    static final String MAX_ATTEMPTS = "max_attempts";
    static final String BACKOFF_BASE_MS = "backoff_base_ms";
    static final String BACKOFF_CAP_MS = "backoff_cap_ms";
    static final Set<String> COMMON =
            Set.of(TIMEOUT_MS, MAX_ATTEMPTS, BACKOFF_BASE_MS, BACKOFF_CAP_MS);

    static final Map<String, Set<String>> KNOWN =
            Map.of(
                    WEBHOOK, Set.of("url", "secret"),
                    SLACK, Set.of("url"),
                    MATTERMOST, Set.of("url"),
                    TELEGRAM, Set.of("bot_token", "chat_id", "parse_mode", "api_base"),
                    EMAIL, Set.of("host", "port", "username", "password", "from", "to", "ca_file"));

    static final long DEFAULT_TIMEOUT_MS = 10_000;

    private ChannelChecks() {}

    static List<String> problems(ChannelSpec spec) {
        List<String> out = new ArrayList<>();
        String where = "channel '" + spec.name() + "' (" + spec.type() + "): ";
        if (spec.name().isBlank()) {
            out.add("a channel has no name");
        }
        if (!TYPES.contains(spec.type())) {
            out.add(where + "unknown type; known: " + new TreeSet<>(TYPES));
            return out;
        }
        Map<String, String> s = spec.settings();
        for (String key : s.keySet()) {
            if (!COMMON.contains(key) && !KNOWN.get(spec.type()).contains(key)) {
                TreeSet<String> known = new TreeSet<>(KNOWN.get(spec.type()));
                known.addAll(COMMON);
                out.add(where + "unknown setting '" + key + "'; known: " + known);
            }
        }
        range(out, where, s, TIMEOUT_MS, 100, 120_000);
        range(out, where, s, MAX_ATTEMPTS, 1, 10);
        range(out, where, s, BACKOFF_BASE_MS, 0, 600_000);
        range(out, where, s, BACKOFF_CAP_MS, 0, 600_000);
        if (number(s.get(BACKOFF_BASE_MS)) != null
                && number(s.get(BACKOFF_CAP_MS)) != null
                && number(s.get(BACKOFF_CAP_MS)) < number(s.get(BACKOFF_BASE_MS))) {
            out.add(where + BACKOFF_CAP_MS + " must not be below " + BACKOFF_BASE_MS);
        }
        switch (spec.type()) {
            case WEBHOOK -> {
                url(out, where, s, "url", false);
                secretRef(out, where, s, "secret", true);
            }
            case SLACK, MATTERMOST -> url(out, where, s, "url", true);
            case TELEGRAM -> {
                secretRef(out, where, s, "bot_token", true);
                String chat = s.get("chat_id");
                if (chat == null || chat.isBlank()) {
                    out.add(where + "chat_id is required (a number, or @channelname)");
                } else if (!chat.matches("-?\\d+|@[A-Za-z][A-Za-z0-9_]{3,}")) {
                    out.add(where + "chat_id must be a number or @channelname");
                }
                String mode = s.getOrDefault("parse_mode", "HTML");
                if (!mode.equals("HTML") && !mode.equals("MarkdownV2")) {
                    out.add(where + "parse_mode must be HTML or MarkdownV2");
                }
                if (s.containsKey("api_base")) {
                    url(out, where, s, "api_base", false);
                }
            }
            case EMAIL -> {
                if (blank(s.get("host"))) {
                    out.add(where + "host is required (the SMTP server)");
                }
                range(out, where, s, "port", 1, 65535);
                address(out, where, "from", s.get("from"));
                List<String> to = recipients(s.get("to"));
                if (to.isEmpty()) {
                    out.add(where + "to is required (comma-separated addresses)");
                }
                for (String a : to) {
                    address(out, where, "to", a);
                }
                if (!blank(s.get("username")) || s.containsKey("password")) {
                    if (blank(s.get("username"))) {
                        out.add(where + "password is set but username is not");
                    }
                    secretRef(out, where, s, "password", true);
                }
            }
            default -> {}
        }
        return out;
    }

    static List<String> recipients(String to) {
        List<String> out = new ArrayList<>();
        if (to != null) {
            for (String a : to.split(",")) {
                if (!a.isBlank()) {
                    out.add(a.trim());
                }
            }
        }
        return out;
    }

    private static void address(List<String> out, String where, String key, String value) {
        if (blank(value)) {
            out.add(where + key + " is required (an e-mail address)");
            return;
        }
        try {
            new InternetAddress(value, true).validate();
        } catch (AddressException e) {
            out.add(where + key + " is not an e-mail address: " + value);
        }
    }

    private static void url(
            List<String> out, String where, Map<String, String> s, String key, boolean mayBeRef) {
        String v = s.get(key);
        if (blank(v)) {
            out.add(
                    where
                            + key
                            + " is required (an http or https URL"
                            + (mayBeRef ? ", or env:NAME / file:PATH holding one" : "")
                            + ")");
            return;
        }
        if (mayBeRef && SecretResolver.isReference(v)) {
            return;
        }
        try {
            HttpSender.httpUri(v, key);
        } catch (IllegalArgumentException e) {
            // The message names the setting, not the value: a hook URL is a credential.
            out.add(where + e.getMessage());
        }
    }

    private static void secretRef(
            List<String> out, String where, Map<String, String> s, String key, boolean required) {
        String v = s.get(key);
        if (blank(v)) {
            if (required) {
                out.add(where + key + " is required (env:NAME or file:PATH)");
            }
            return;
        }
        if (!SecretResolver.isReference(v)) {
            out.add(
                    where
                            + key
                            + " must be a reference (env:NAME or file:PATH), not the secret itself:"
                            + " the policy is logged, published and checkpointed");
        }
    }

    private static void range(
            List<String> out, String where, Map<String, String> s, String key, long min, long max) {
        String v = s.get(key);
        if (v == null) {
            return;
        }
        Long n = number(v);
        if (n == null || n < min || n > max) {
            out.add(where + key + " must be a whole number from " + min + " to " + max + ": " + v);
        }
    }

    static Long number(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static long number(Map<String, String> s, String key, long dflt) {
        Long n = number(s.get(key));
        return n == null ? dflt : n;
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }
}
