package org.socengine.jobs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.CompiledRuleCache;
import org.socengine.rules.library.RuleRepository;

/** Loads the rules of a directory for a job, refusing the set if any rule is bad. */
public final class RuleSets {

    private RuleSets() {}

    /**
     * The rules folder: {@code SOC_RULES}, else {@code $SOC_HOME/rules/detections}, else {@code
     * ./rules/detections}.
     */
    public static Path defaultDirectory() {
        String explicit = System.getenv("SOC_RULES");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getenv("SOC_HOME");
        return Path.of(home == null || home.isBlank() ? "." : home, "rules", "detections");
    }

    public static List<CompiledRule> compileAll(Path dir)
            throws IOException, RuleValidationException {
        return compileAll(dir, null);
    }

    /**
     * As {@link #compileAll(Path)}, reusing byte code from the cache of compiled rules (or null).
     */
    public static List<CompiledRule> compileAll(Path dir, CompiledRuleCache cache)
            throws IOException, RuleValidationException {
        if (!Files.exists(dir)) {
            throw new IOException("rules folder " + dir + " does not exist");
        }
        RuleRepository.Loaded loaded = RuleRepository.load(dir, cache);
        if (!loaded.ok()) {
            throw new RuleValidationException(loaded.problems());
        }
        return loaded.compiled();
    }

    /** Decodes the raw lines of rule fixtures with the job's own decoders. */
    public static BiFunction<String, List<String>, List<SecurityEvent>> fixtureDecoder() {
        RecordDecoder decoder = defaultDecoder();
        return (source, lines) -> {
            List<SecurityEvent> out = new ArrayList<>();
            long n = 0;
            for (String line : lines) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                RawRecord r = RawRecord.of(source, line);
                r.offset = n;
                RecordDecoder.Outcome o = decoder.decode(r, 0);
                if (o.deadLetter() != null) {
                    throw new IllegalArgumentException(
                            "fixture line "
                                    + n
                                    + " does not decode as "
                                    + source
                                    + ": "
                                    + o.deadLetter().reason);
                }
                if (o.event() != null) {
                    out.add(o.event());
                }
            }
            return out;
        };
    }

    /** The decode stage of an unconfigured installation: the shipped departments, no assets. */
    public static RecordDecoder defaultDecoder() {
        try {
            return SocConfig.empty().recordDecoder();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
