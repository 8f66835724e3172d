package org.socengine.cli.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Sign-in through an OpenID Connect provider (keys {@code console.oidc.*}): the provider, the
 * console's client registration, and how the ID token's claims name the console's roles.
 *
 * @param issuer the provider's issuer; its discovery document is at {@code
 *     <issuer>/.well-known/openid-configuration} and every ID token must name it exactly
 * @param clientSecret null for a public client (PKCE alone); never logged or printed
 * @param redirectUri the console's callback as the browser reaches it ({@code
 *     https://console.example/oidc/callback}); null: the console's own address
 * @param rolesClaim the claim holding role or group names; a dotted path reaches into objects
 *     ({@code realm_access.roles})
 * @param departmentClaim the claim naming a liaison's department
 */
public record OidcSettings(
        URI issuer,
        String clientId,
        String clientSecret,
        URI redirectUri,
        String scopes,
        String displayName,
        String usernameClaim,
        String rolesClaim,
        List<String> analystValues,
        List<String> liaisonValues,
        List<String> adminValues,
        String departmentClaim,
        Duration clockSkew) {

    public OidcSettings {
        if (issuer == null || clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("OIDC needs an issuer and a client id");
        }
        analystValues = List.copyOf(analystValues);
        liaisonValues = List.copyOf(liaisonValues);
        adminValues = List.copyOf(adminValues);
    }

    /** The defaults of {@code console.oidc.*} for this provider and client. */
    public static OidcSettings of(URI issuer, String clientId, String clientSecret) {
        return new OidcSettings(
                issuer,
                clientId,
                clientSecret,
                null,
                "openid profile email",
                "OIDC",
                "preferred_username",
                "groups",
                List.of("soc-analyst"),
                List.of("soc-liaison"),
                List.of("soc-admin"),
                "department",
                Duration.ofSeconds(60));
    }

    public OidcSettings withRedirectUri(URI uri) {
        return new OidcSettings(
                issuer,
                clientId,
                clientSecret,
                uri,
                scopes,
                displayName,
                usernameClaim,
                rolesClaim,
                analystValues,
                liaisonValues,
                adminValues,
                departmentClaim,
                clockSkew);
    }

    public OidcSettings withDisplayName(String name) {
        return new OidcSettings(
                issuer,
                clientId,
                clientSecret,
                redirectUri,
                scopes,
                name,
                usernameClaim,
                rolesClaim,
                analystValues,
                liaisonValues,
                adminValues,
                departmentClaim,
                clockSkew);
    }

    /** The secret stays out of every string made of these settings (a log line, a message). */
    @Override
    public String toString() {
        return "OidcSettings[issuer="
                + issuer
                + ", clientId="
                + clientId
                + ", clientSecret="
                + (clientSecret == null ? "none" : "(set)")
                + ", redirectUri="
                + redirectUri
                + ", rolesClaim="
                + rolesClaim
                + ", departmentClaim="
                + departmentClaim
                + "]";
    }
}
