package org.socengine.connectors.notify;

import java.util.ArrayList;
import java.util.List;
import org.socengine.connectors.secrets.Redaction;

/**
 * Removes a channel's own secrets (a token in a URL path, a webhook URL that is itself the secret)
 * from error text, on top of {@link Redaction}'s patterns, which cannot know a Telegram token in
 * {@code /bot<token>/} or a Slack hook path.
 */
final class Scrubber {

    private final List<String> secrets = new ArrayList<>();

    Scrubber add(String secret) {
        if (secret != null && secret.length() >= 4) {
            secrets.add(secret);
        }
        return this;
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, Redaction.MASK);
        }
        return Redaction.text(out);
    }
}
