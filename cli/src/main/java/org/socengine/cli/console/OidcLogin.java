package org.socengine.cli.console;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The authorization-code flow with PKCE against the configured provider. {@link #begin} keeps, per
 * login, a random state, nonce and code verifier on the server, bound to the browser that started
 * it by a random value in a cookie, and sends the browser to the provider; {@link #complete} takes
 * the provider's answer once (a state is gone after its first use), trades the code for tokens,
 * checks the ID token ({@link IdTokenVerifier}) and maps its claims to a console user. A state that
 * is unknown, used, older than ten minutes or started in another browser is refused: that is what
 * stops a forged or replayed callback.
 */
public final class OidcLogin {

    public static final String COOKIE = "soc_oidc";
    static final Duration PENDING_FOR = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_PENDING = 10_000;

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final IdTokenVerifier verifier;
    private final URI redirectUri;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(
            String browser, String nonce, String verifier, String lang, Instant started) {}

    /** Where to send the browser, and the cookie value that ties the answer to this browser. */
    public record Start(URI authorize, String browserKey) {}

    public OidcLogin(OidcSettings settings, URI defaultRedirect, Clock clock) {
        this.settings = settings;
        this.provider = new OidcProvider(settings);
        this.verifier = new IdTokenVerifier(provider, settings, clock);
        this.redirectUri =
                settings.redirectUri() != null ? settings.redirectUri() : defaultRedirect;
        this.clock = clock;
    }

    public OidcSettings settings() {
        return settings;
    }

    public Start begin(String lang) throws OidcRefused {
        OidcProvider.Metadata m = provider.metadata();
        Instant now = clock.instant();
        pending.values().removeIf(p -> expired(p, now));
        // Anyone can start a sign-in: past the bound the oldest one gives way, so a flood of
        // starts cannot keep real users out (it can only make their own start expire sooner).
        while (pending.size() >= MAX_PENDING) {
            pending.entrySet().stream()
                    .min(java.util.Comparator.comparing(e -> e.getValue().started()))
                    .ifPresent(e -> pending.remove(e.getKey(), e.getValue()));
        }
        String state = random();
        String nonce = random();
        String codeVerifier = random() + random();
        String browser = random();
        pending.put(state, new Pending(browser, nonce, codeVerifier, lang, now));
        String query =
                "response_type=code"
                        + "&client_id="
                        + OidcProvider.form(settings.clientId())
                        + "&redirect_uri="
                        + OidcProvider.form(redirectUri.toString())
                        + "&scope="
                        + OidcProvider.form(settings.scopes())
                        + "&state="
                        + state
                        + "&nonce="
                        + nonce
                        + "&code_challenge="
                        + challenge(codeVerifier)
                        + "&code_challenge_method=S256";
        String a = m.authorizationEndpoint().toString();
        return new Start(URI.create(a + (a.contains("?") ? "&" : "?") + query), browser);
    }

    /** The user that the provider's answer (the callback's parameters) signs in. */
    public ConsoleUser complete(Map<String, String> params, String browserKey) throws OidcRefused {
        String state = params.get("state");
        Pending p = state == null ? null : pending.remove(state);
        if (p == null || expired(p, clock.instant())) {
            throw new OidcRefused("unknown, used or expired sign-in state");
        }
        try {
            if (browserKey == null
                    || !MessageDigest.isEqual(
                            browserKey.getBytes(StandardCharsets.UTF_8),
                            p.browser().getBytes(StandardCharsets.UTF_8))) {
                throw new OidcRefused("the sign-in was started in another browser");
            }
            String error = params.get("error");
            if (error != null) {
                throw new OidcRefused(
                        "the provider answered "
                                + (error.matches("[a-z_]{1,40}") ? error : "an error"));
            }
            String code = params.get("code");
            if (code == null || code.isEmpty() || code.length() > 4096) {
                throw new OidcRefused("the provider's answer has no code");
            }
            String idToken = provider.exchange(code, p.verifier(), redirectUri);
            JWTClaimsSet claims = verifier.verify(idToken, p.nonce());
            return user(claims, p.lang());
        } catch (OidcRefused e) {
            throw e.startedIn(p.lang());
        }
    }

    /** The language a sign-in started in (for its error page). */
    static String language(Map<String, String> params, String fallback) {
        String l = params.get("lang");
        return l != null && Messages.LANGUAGES.contains(l) ? l : fallback;
    }

    /**
     * The console user of verified claims: admin if the roles claim holds an admin value, else
     * analyst, else liaison of the department claim; none of them refuses the login.
     */
    ConsoleUser user(JWTClaimsSet c, String lang) throws OidcRefused {
        Map<String, Object> all = c.getClaims();
        String name = text(path(all, settings.usernameClaim()));
        if (name == null) {
            name = c.getSubject();
        }
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        List<String> roles = strings(path(all, settings.rolesClaim()));
        ConsoleUser.Role role;
        if (any(roles, settings.adminValues())) {
            role = ConsoleUser.Role.ADMIN;
        } else if (any(roles, settings.analystValues())) {
            role = ConsoleUser.Role.ANALYST;
        } else if (any(roles, settings.liaisonValues())) {
            role = ConsoleUser.Role.LIAISON;
        } else {
            throw new OidcRefused(
                    OidcRefused.Kind.NO_ROLE,
                    "claim '" + settings.rolesClaim() + "' names no role of the console");
        }
        String department = null;
        if (role == ConsoleUser.Role.LIAISON) {
            department = text(path(all, settings.departmentClaim()));
            if (department == null || !department.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new OidcRefused(
                        OidcRefused.Kind.NO_DEPARTMENT,
                        "a liaison without a department in claim '"
                                + settings.departmentClaim()
                                + "'");
            }
        }
        String language = lang;
        String locale = text(all.get("locale"));
        if (locale != null) {
            String l = locale.toLowerCase(Locale.ROOT);
            if (l.startsWith("en")) {
                language = Messages.EN;
            } else if (l.startsWith("vi")) {
                language = Messages.VI;
            }
        }
        if (language == null || !Messages.LANGUAGES.contains(language)) {
            language = Messages.VI;
        }
        ZoneId zone = ConsoleUser.DEFAULT_ZONE;
        String zoneinfo = text(all.get("zoneinfo"));
        if (zoneinfo != null) {
            try {
                zone = ZoneId.of(zoneinfo);
            } catch (DateTimeException e) {
                zone = ConsoleUser.DEFAULT_ZONE;
            }
        }
        // No password hash: such a user signs in only through the provider.
        return new ConsoleUser(name, role, department, language, zone, "oidc");
    }

    private static boolean any(List<String> have, Collection<String> wanted) {
        return have.stream().anyMatch(wanted::contains);
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> claims, String path) {
        Object v = claims.get(path);
        if (v != null || !path.contains(".")) {
            return v;
        }
        Object cur = claims;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = ((Map<String, Object>) m).get(part);
        }
        return cur;
    }

    private static String text(Object v) {
        return v instanceof String s && !s.isBlank() ? s.strip() : null;
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            // A space- or comma-separated string, as some providers send roles.
            for (String x : s.split("[\\s,]+")) {
                if (!x.isEmpty()) {
                    out.add(x);
                }
            }
        } else if (v instanceof Collection<?> c) {
            for (Object x : c) {
                if (x instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static boolean expired(Pending p, Instant now) {
        return !now.isBefore(p.started().plus(PENDING_FOR));
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
