package org.socengine.connectors.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of the generic webhook, and its check for receivers: {@code X-Soc-Timestamp} is the
 * sending time in Unix seconds, {@code X-Soc-Signature} is {@code sha256=} and the lowercase hex
 * HMAC-SHA256, keyed with the channel's shared secret, of the timestamp, a dot and the raw body
 * bytes. Signing the timestamp with the body lets a receiver refuse a replayed request older than
 * its tolerance; the {@code Idempotency-Key} header tells it a repeat within the tolerance.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-Soc-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Soc-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String PREFIX = "sha256=";

    /** The tolerance receivers should use unless they have a reason not to. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {}

    /** {@code sha256=<hex>} for the given timestamp (Unix seconds) and body. */
    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(mac(secret, timestampSeconds, body));
    }

    public static String sign(String secret, long timestampSeconds, String body) {
        return sign(
                secret.getBytes(StandardCharsets.UTF_8),
                timestampSeconds,
                body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a request is genuine and fresh: the signature header matches the body and timestamp
     * (compared in constant time), and the timestamp is within {@code tolerance} of {@code now}
     * either way. Any missing or malformed header is a no.
     */
    public static boolean verify(
            byte[] secret,
            String timestampHeader,
            String signatureHeader,
            byte[] body,
            Instant now,
            Duration tolerance) {
        if (timestampHeader == null || signatureHeader == null || body == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            return false;
        }
        String sig = signatureHeader.trim();
        if (!sig.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(sig.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(secret, ts, body), given);
    }

    private static byte[] mac(byte[] secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
