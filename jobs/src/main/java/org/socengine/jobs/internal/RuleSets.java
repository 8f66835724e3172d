package org.socengine.jobs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.CompiledRuleCache;
import org.socengine.rules.engine.EventStreams;
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
        return load(dir, cache, d -> true).compiled();
    }

    /** The rules {@code include} accepts, compiled; the set refused if any of them is bad. */
    private static RuleRepository.Loaded load(
            Path dir, CompiledRuleCache cache, Predicate<RuleDefinition> include)
            throws IOException, RuleValidationException {
        if (!Files.exists(dir)) {
            throw new IOException("rules folder " + dir + " does not exist");
        }
        RuleRepository.Loaded loaded = RuleRepository.load(dir, cache, include);
        if (!loaded.ok()) {
            throw new RuleValidationException(loaded.problems());
        }
        return loaded;
    }

    /** The rules of a set that may see an event, and those left out because none could. */
    public record ForStreams(List<CompiledRule> compiled, List<RuleDefinition> skipped) {}

    /**
     * As {@link #compileAll(Path, CompiledRuleCache)}, for the rules that read one of {@code
     * streams} at least ({@link EventStreams#namedIn}): the others could never see an event, and
     * are neither checked nor compiled.
     */
    public static ForStreams compileReading(Path dir, CompiledRuleCache cache, Set<String> streams)
            throws IOException, RuleValidationException {
        RuleRepository.Loaded loaded = load(dir, cache, d -> readsAny(d.epl(), streams));
        return new ForStreams(loaded.compiled(), loaded.skipped());
    }

    /**
     * Whether an EPL may read one of the streams: it names one of them, or names no stream at all
     * (then the sandbox is the one to refuse it, with its reason).
     */
    static boolean readsAny(String epl, Set<String> streams) {
        Set<String> named = EventStreams.namedIn(epl);
        if (named.isEmpty()) {
            return true;
        }
        for (String s : named) {
            if (streams.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The streams events of these sources can enter, in {@link EventStreams#STREAMS} order; every
     * stream when a source does not declare what it produces ({@link Decoders#produces}).
     */
    public static Set<String> streamsOf(java.util.Collection<String> sources) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String source : sources) {
            Decoders.Produces p = Decoders.produces(source);
            if (p == null) {
                return EventStreams.STREAMS.keySet();
            }
            out.addAll(EventStreams.producible(p.categories(), p.dns()));
        }
        Set<String> ordered = new java.util.LinkedHashSet<>(EventStreams.STREAMS.keySet());
        ordered.retainAll(out);
        return ordered;
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
