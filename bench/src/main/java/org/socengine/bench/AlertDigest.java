package org.socengine.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.cli.bench.RuleVariants;
import org.socengine.jobs.detection.RuleFamilies;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;

/**
 * {@link EsperRulesBenchmark}'s work over a fixed number of events, once: the time it took and a
 * digest of the alerts (id, count and repeats of each, sorted). Two builds that raise the same
 * alerts print the same digest, so a change that is meant to save work is checked to change nothing
 * else on the very run that measures it; fixed work also compares better than a timed JMH iteration
 * on a machine shared with others (run the two builds back to back, several times).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.socengine.bench.AlertDigest RULES VARIANTS EVENTS
 * </pre>
 *
 * <p>{@code -Dsoc.rules=DIR} takes the rules from another library (one rule alone, a rewrite of
 * it); {@code -Dsoc.digest.whole=true} digests whole alerts, evidence included.
 */
public final class AlertDigest {

    private AlertDigest() {}

    /** The fields that tell one evidence event from another in {@link #whole}. */
    private static final String[] EVIDENCE_FIELDS = {
        "event.action",
        "event.original",
        "source.ip",
        "destination.ip",
        "destination.port",
        "user.name"
    };

    /**
     * Everything a rewrite of a rule must leave as it was ({@code -Dsoc.digest.whole=true}): the
     * alert's times, window, entity, details and its evidence event by event, besides id and
     * counts.
     */
    static String whole(Alert a) {
        StringBuilder b =
                new StringBuilder()
                        .append(a.id)
                        .append(' ')
                        .append(a.count)
                        .append(' ')
                        .append(a.suppressedCount)
                        .append(' ')
                        .append(a.timestamp)
                        .append(' ')
                        .append(a.windowStart)
                        .append(' ')
                        .append(a.windowEnd)
                        .append(' ')
                        .append(a.lastSeen)
                        .append(' ')
                        .append(a.entity)
                        .append(' ')
                        .append(a.details);
        for (SecurityEvent e : a.evidence) {
            b.append(' ').append(e.timestamp);
            for (String field : EVIDENCE_FIELDS) {
                b.append('/').append(e.get(field));
            }
        }
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        int rules = Integer.parseInt(args[0]);
        String variants = args.length > 1 ? args[1] : "thresholds";
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        Path dir = Path.of(System.getProperty("soc.rules", "rules/detections"));
        long compileStart = System.nanoTime();
        List<CompiledRule> compiled =
                RuleVariants.compile(
                        RuleVariants.generate(
                                RuleVariants.library(dir),
                                rules,
                                RuleVariants.Kind.valueOf(variants.toUpperCase(Locale.ROOT))));
        List<RuleFamilies.Family> families = RuleFamilies.of(compiled).all();
        Map<String, List<CompiledRule>> byFamily = new HashMap<>();
        for (CompiledRule r : compiled) {
            byFamily.computeIfAbsent(RuleFamilies.familyOf(r.definition()), k -> new ArrayList<>())
                    .add(r);
        }
        DetectionEngine[] engines = new DetectionEngine[families.size()];
        // With soc.digest.keyed, the engines log their keyed windows as the job's detector has
        // them do (a map of the last event per slot), to weigh what that costs.
        Map<DetectionEngine.KeyedSlot, SecurityEvent> keyed = new HashMap<>();
        SecurityEvent[] sending = new SecurityEvent[1];
        DetectionEngine.KeyedWindowLog log =
                new DetectionEngine.KeyedWindowLog() {
                    @Override
                    public void entered(DetectionEngine.KeyedSlot slot) {
                        keyed.put(slot, sending[0]);
                    }

                    @Override
                    public void forget(String deploymentId) {}
                };
        for (int i = 0; i < families.size(); i++) {
            engines[i] = new DetectionEngine("digest-" + i, List.of());
            if (Boolean.getBoolean("soc.digest.keyed")) {
                engines[i].logKeyedWindows(log);
            }
            for (CompiledRule r : byFamily.get(families.get(i).name())) {
                engines[i].deploy(r);
            }
        }
        long deployed = System.nanoTime();
        List<SecurityEvent> events = BenchData.events(count);
        List<Alert> alerts = new ArrayList<>();
        long start = System.nanoTime();
        long nextTick = events.get(0).timestamp;
        long horizon = 0;
        for (DetectionEngine d : engines) {
            horizon = Math.max(horizon, d.horizonMillis());
        }
        for (SecurityEvent e : events) {
            sending[0] = e;
            for (int i = 0; i < engines.length; i++) {
                RuleFamilies.Family f = families.get(i);
                if (f.reads(e) && f.keyOf(e) != null) {
                    engines[i].send(e);
                }
            }
            if (e.timestamp >= nextTick) {
                nextTick = e.timestamp + 200;
                for (DetectionEngine d : engines) {
                    d.advanceTime(e.timestamp);
                    d.expire();
                    alerts.addAll(d.drainAlerts());
                }
            }
        }
        long end = events.get(events.size() - 1).timestamp + horizon + 1;
        for (DetectionEngine d : engines) {
            d.advanceTime(end);
            d.expire();
            alerts.addAll(d.drainAlerts());
        }
        long elapsed = System.nanoTime() - start;
        if (!keyed.isEmpty()) {
            System.err.println("keyed slots: " + keyed.size());
        }
        List<Alert> finals = Alert.latest(alerts);
        List<String> lines = new ArrayList<>();
        boolean whole = Boolean.getBoolean("soc.digest.whole");
        for (Alert a : finals) {
            lines.add(whole ? whole(a) : a.id + " " + a.count + " " + a.suppressedCount);
        }
        lines.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String l : lines) {
            sha.update(l.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        for (DetectionEngine d : engines) {
            d.close();
        }
        System.out.printf(
                Locale.ROOT,
                "rules=%d variants=%s events=%d compile+deploy=%.1fs run=%.2fs events/s=%.0f"
                        + " alerts=%d updates=%d digest=%s%n",
                compiled.size(),
                variants,
                count,
                (deployed - compileStart) / 1e9,
                elapsed / 1e9,
                count / (elapsed / 1e9),
                finals.size(),
                alerts.size() - finals.size(),
                HexFormat.of().formatHex(sha.digest()).substring(0, 16));
    }
}
