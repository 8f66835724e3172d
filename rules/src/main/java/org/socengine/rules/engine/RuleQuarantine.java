package org.socengine.rules.engine;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.socengine.rules.RuleDefinition;

/**
 * A rule taken out of the engine for going over one of its limits. It stays out, across restores,
 * until a different rule file for the same id comes: a higher version, or the same version with
 * other content (a new fingerprint). The same file again changes nothing.
 *
 * @param ruleId the rule's id
 * @param ruleName the rule's name, for the status and the alert
 * @param version the quarantined version
 * @param fingerprint what the quarantined version says ({@link #fingerprintOf})
 * @param limit which limit it went over: {@code cpu_ms_per_minute}, {@code max_rows} or {@code
 *     max_groups}
 * @param measured what was measured against the limit
 * @param allowed the limit it was measured against
 * @param at event time of the quarantine
 */
public record RuleQuarantine(
        String ruleId,
        String ruleName,
        int version,
        String fingerprint,
        String limit,
        long measured,
        long allowed,
        long at)
        implements Serializable {

    public static final String CPU = "cpu_ms_per_minute";
    public static final String ROWS = "max_rows";
    public static final String GROUPS = "max_groups";

    /** The quarantine's reason, as the status and the alert say it. */
    public String reason() {
        return limit + " exceeded: " + measured + " > " + allowed;
    }

    /** Whether {@code rule} is another file than the quarantined one, and may deploy. */
    public boolean releasedBy(RuleDefinition rule) {
        return rule.version() > version
                || (rule.version() == version && !fingerprint.equals(fingerprintOf(rule)));
    }

    /**
     * What a rule file makes the engine do, hashed: the statement, its limits and everything that
     * shapes its alerts. Not its file name: the same file republished under a new offset of {@code
     * soc.rules} is the same rule.
     */
    public static String fingerprintOf(RuleDefinition rule) {
        String text =
                String.join(
                        "\u0000",
                        String.valueOf(rule.version()),
                        String.valueOf(rule.epl()),
                        String.valueOf(rule.limits()),
                        String.valueOf(rule.scope()),
                        String.valueOf(rule.groupBy()),
                        String.valueOf(rule.reads()),
                        String.valueOf(rule.suppressFor()),
                        String.valueOf(rule.enabled()),
                        String.valueOf(rule.severity()),
                        String.valueOf(rule.name()));
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
