package org.socengine.cli.console;

/**
 * A sign-in through the OIDC provider that the console refuses. The message says why in words safe
 * to log and to show: it never quotes a token, a code or the client secret.
 */
public final class OidcRefused extends Exception {

    /** What the page tells the user; the message says the precise cause. */
    public enum Kind {
        /** The provider's answer or token failed a check. */
        NOT_VERIFIED,
        /** The user's claims name no role of the console. */
        NO_ROLE,
        /** A liaison's claims name no department. */
        NO_DEPARTMENT,
        /** The provider could not be reached or answered wrongly. */
        PROVIDER
    }

    private final Kind kind;

    // The language the refused sign-in started in, for its page; null when not known.
    private String language;

    public OidcRefused(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public OidcRefused(String message) {
        this(Kind.NOT_VERIFIED, message);
    }

    public Kind kind() {
        return kind;
    }

    /** This refusal, told in the language its sign-in started in. */
    OidcRefused startedIn(String lang) {
        this.language = lang;
        return this;
    }

    /** The language the refused sign-in started in, or {@code fallback} when not known. */
    public String language(String fallback) {
        return language != null && Messages.LANGUAGES.contains(language) ? language : fallback;
    }
}
