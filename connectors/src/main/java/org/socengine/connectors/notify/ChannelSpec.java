package org.socengine.connectors.notify;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A notification channel as the escalation policy declares it: a name the tiers refer to, a type
 * ({@code webhook}, {@code slack}, {@code mattermost}, {@code telegram}, {@code email}) and its
 * settings as strings. Secrets are references ({@code env:NAME} or {@code file:PATH}), resolved
 * only when the channel is built, so that a policy can be logged and checkpointed without them.
 */
public final class ChannelSpec implements Serializable {

    private final String name;
    private final String type;
    private final Map<String, String> settings;

    public ChannelSpec(String name, String type, Map<String, String> settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.settings = new TreeMap<>(settings);
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public Map<String, String> settings() {
        return java.util.Collections.unmodifiableMap(settings);
    }

    /**
     * What is wrong with this channel's settings for its type, one clear message each (naming the
     * channel and the setting, never a secret's value); empty when the channel can be built.
     */
    public java.util.List<String> problems() {
        return ChannelChecks.problems(this);
    }

    /** Whether a channel of this type can be built at all (webhook, slack, mattermost, ...). */
    public static boolean isKnownType(String type) {
        return ChannelChecks.TYPES.contains(type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelSpec c
                && name.equals(c.name)
                && type.equals(c.type)
                && settings.equals(c.settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, settings);
    }

    @Override
    public String toString() {
        return "ChannelSpec{" + name + ", " + type + "}";
    }
}
