package org.socengine.cli.console;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks an ID token as OpenID Connect Core 3.1.3.7 asks: signed with RS256 or ES256 by a key of
 * the provider's JWKS (chosen by its key id, of the type the algorithm needs: a token that says
 * {@code none} or {@code HS256}, hoping its signature is checked with a public key as an HMAC
 * secret, is refused before any key is looked at), issued by the configured issuer, for this
 * client, not expired, not issued in the future (both with a small skew), and carrying the nonce
 * this login sent.
 */
final class IdTokenVerifier {

    static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final OidcProvider provider;
    private final OidcSettings settings;
    private final Clock clock;

    IdTokenVerifier(OidcProvider provider, OidcSettings settings, Clock clock) {
        this.provider = provider;
        this.settings = settings;
        this.clock = clock;
    }

    JWTClaimsSet verify(String token, String nonce) throws OidcRefused {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new OidcRefused("the ID token does not parse");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new OidcRefused("the ID token is not signed (alg none) or is encrypted");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!ACCEPTED.contains(alg)) {
            throw new OidcRefused("the ID token's algorithm " + alg + " is not accepted");
        }
        JWK key = key(signed.getHeader().getKeyID(), alg);
        try {
            if (!signed.verify(verifier(key, alg))) {
                throw new OidcRefused("the ID token's signature does not verify");
            }
        } catch (JOSEException e) {
            throw new OidcRefused("the ID token's signature cannot be checked");
        }
        JWTClaimsSet c;
        try {
            c = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new OidcRefused("the ID token's claims do not parse");
        }
        if (!settings.issuer().toString().equals(c.getIssuer())) {
            throw new OidcRefused("the ID token names another issuer");
        }
        List<String> aud = c.getAudience();
        if (aud == null || !aud.contains(settings.clientId())) {
            throw new OidcRefused("the ID token is not for this client (aud)");
        }
        String azp = claimString(c, "azp");
        if ((aud.size() > 1 || azp != null) && !settings.clientId().equals(azp)) {
            throw new OidcRefused("the ID token was issued to another party (azp)");
        }
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        Date exp = c.getExpirationTime();
        if (exp == null || !now.isBefore(exp.toInstant().plus(skew))) {
            throw new OidcRefused("the ID token has expired");
        }
        Date iat = c.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(skew))) {
            throw new OidcRefused("the ID token is issued in the future");
        }
        if (nonce == null || !nonce.equals(claimString(c, "nonce"))) {
            throw new OidcRefused("the ID token's nonce is not this login's");
        }
        if (c.getSubject() == null || c.getSubject().isEmpty()) {
            throw new OidcRefused("the ID token has no subject");
        }
        return c;
    }

    private JWK key(String kid, JWSAlgorithm alg) throws OidcRefused {
        JWK key;
        if (kid != null) {
            key = provider.key(kid);
            if (key == null) {
                throw new OidcRefused(
                        "the ID token is signed with a key the provider does not list");
            }
        } else {
            // Without a key id, only a provider with a single key of the right type is unambiguous.
            List<JWK> fitting = provider.keys().stream().filter(k -> fits(k, alg)).toList();
            if (fitting.size() != 1) {
                throw new OidcRefused("the ID token names no key id");
            }
            key = fitting.get(0);
        }
        if (!fits(key, alg)) {
            throw new OidcRefused("the ID token's key is not a " + alg + " signing key");
        }
        return key;
    }

    private static boolean fits(JWK k, JWSAlgorithm alg) {
        if (k.getKeyUse() != null && !KeyUse.SIGNATURE.equals(k.getKeyUse())) {
            return false;
        }
        if (k.getAlgorithm() != null && !k.getAlgorithm().equals(alg)) {
            return false;
        }
        if (JWSAlgorithm.RS256.equals(alg)) {
            return k instanceof RSAKey;
        }
        return k instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
    }

    private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
        if (JWSAlgorithm.RS256.equals(alg)) {
            return new RSASSAVerifier(((RSAKey) key).toRSAPublicKey());
        }
        return new ECDSAVerifier(((ECKey) key).toECPublicKey());
    }

    private static String claimString(JWTClaimsSet c, String name) throws OidcRefused {
        Object v = c.getClaim(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new OidcRefused("the ID token's " + name + " is not a string");
        }
        return s;
    }
}
