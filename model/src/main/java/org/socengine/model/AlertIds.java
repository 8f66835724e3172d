package org.socengine.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The alert id: a hash of rule id, rule version, group key and window start, so that replaying the
 * same events produces the same id and the index holds one document, not two.
 */
public final class AlertIds {

    private AlertIds() {}

    public static String of(String ruleId, int ruleVersion, String groupKey, long windowStart) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String material = ruleId + '\n' + ruleVersion + '\n' + groupKey + '\n' + windowStart;
            byte[] digest = sha.digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
