package org.socengine.rules.library;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.socengine.model.Alert;
import org.socengine.model.EventJson;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleTestCase;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;

/**
 * Runs each rule's fixtures through the same {@link DetectionEngine} the job uses, in event time:
 * the events are sorted by timestamp and sent, then the clock moves past the last event by the
 * rule's horizon so that every window and pattern closes. Each test runs on a fresh engine holding
 * only its rule, so tests never see each other's state and the result does not depend on order.
 */
public final class RuleTestRunner {

    /** The outcome of one test of one rule. */
    public record TestResult(
            RuleDefinition rule,
            RuleTestCase test,
            boolean passed,
            int alerts,
            List<Map<String, String>> entities,
            String message) {

        @Override
        public String toString() {
            return (passed ? "PASS " : "FAIL ")
                    + rule.file()
                    + ":"
                    + test.line()
                    + " ["
                    + rule.name()
                    + "] "
                    + test.name()
                    + ": "
                    + message;
        }
    }

    private static final AtomicLong RUNTIMES = new AtomicLong();

    private final BiFunction<String, List<String>, List<SecurityEvent>> decoder;
    private final BiFunction<CompiledRule, List<SecurityEvent>, List<Alert>> replay;

    /** A runner for NDJSON fixtures only: tests with {@code source:} fail with a clear message. */
    public RuleTestRunner() {
        this(null);
    }

    /**
     * @param decoder turns {@code (source, raw lines)} into events for tests that declare a {@code
     *     source}; the rules module has no decoders of its own (they live in connectors)
     */
    public RuleTestRunner(BiFunction<String, List<String>, List<SecurityEvent>> decoder) {
        this(decoder, RuleTestRunner::replay);
    }

    /**
     * @param replay runs a rule over a test's events and returns its alerts, one per alert (the
     *     latest version of each): {@link #replay} on one engine, or the detection job's own path
     *     (routing, operator, watermarks), so that the fixtures also hold where the rules really
     *     run
     */
    public RuleTestRunner(
            BiFunction<String, List<String>, List<SecurityEvent>> decoder,
            BiFunction<CompiledRule, List<SecurityEvent>, List<Alert>> replay) {
        this.decoder = decoder;
        this.replay = replay;
    }

    public List<TestResult> runAll(Collection<CompiledRule> rules) {
        List<TestResult> out = new ArrayList<>();
        for (CompiledRule rule : rules) {
            out.addAll(run(rule));
        }
        return out;
    }

    public List<TestResult> run(CompiledRule rule) {
        List<TestResult> out = new ArrayList<>();
        for (RuleTestCase test : rule.definition().tests()) {
            out.add(run(rule, test));
        }
        return out;
    }

    public TestResult run(CompiledRule rule, RuleTestCase test) {
        RuleDefinition def = rule.definition();
        List<SecurityEvent> events;
        try {
            events = events(def, test);
        } catch (IOException | RuntimeException e) {
            return new TestResult(def, test, false, 0, List.of(), "cannot read events: " + e);
        }
        List<Alert> alerts;
        try {
            alerts = replay.apply(rule, events);
        } catch (RuntimeException e) {
            return new TestResult(def, test, false, 0, List.of(), "the engine failed: " + e);
        }
        List<Map<String, String>> entities = alerts.stream().map(a -> a.entity).toList();
        StringBuilder why = new StringBuilder();
        boolean passed = alerts.size() == test.expectedAlerts();
        why.append("expected ")
                .append(test.expectedAlerts())
                .append(" alert(s), got ")
                .append(alerts.size());
        if (test.expectedEntity() != null) {
            for (Alert a : alerts) {
                for (Map.Entry<String, String> e : test.expectedEntity().entrySet()) {
                    String actual = a.entity.get(e.getKey());
                    if (!e.getValue().equals(actual)) {
                        passed = false;
                        why.append("; alert entity ")
                                .append(e.getKey())
                                .append('=')
                                .append(actual)
                                .append(", expected ")
                                .append(e.getValue());
                    }
                }
            }
        }
        if (!entities.isEmpty()) {
            why.append(" ").append(entities);
        }
        return new TestResult(def, test, passed, alerts.size(), entities, why.toString());
    }

    /**
     * Sends the events in timestamp order, closes every window, and returns the alerts as they end.
     */
    public static List<Alert> replay(CompiledRule rule, List<SecurityEvent> events) {
        List<SecurityEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(e -> e.timestamp));
        String uri = "rule-test-" + RUNTIMES.incrementAndGet();
        try (DetectionEngine engine = new DetectionEngine(uri, List.of(rule))) {
            if (!sorted.isEmpty()) {
                engine.advanceTime(sorted.get(0).timestamp);
            }
            List<Alert> alerts = new ArrayList<>();
            for (SecurityEvent e : sorted) {
                engine.send(e);
            }
            if (!sorted.isEmpty()) {
                long last = sorted.get(sorted.size() - 1).timestamp;
                engine.advanceTime(last + rule.horizonMillis() + 1);
            }
            alerts.addAll(engine.drainAlerts());
            // A test counts alerts, not the updates that fold repeats into them.
            return Alert.latest(alerts);
        }
    }

    private List<SecurityEvent> events(RuleDefinition def, RuleTestCase test) throws IOException {
        Path file =
                def.path().getParent() == null
                        ? Path.of(test.events())
                        : def.path().getParent().resolve(test.events());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (test.source() != null) {
            if (decoder == null) {
                throw new IOException(
                        "test reads raw '"
                                + test.source()
                                + "' lines but this runner has no decoders (run it through ./soc rules test)");
            }
            List<String> raw = lines.stream().filter(l -> !l.isBlank()).toList();
            return decoder.apply(test.source(), raw);
        }
        return readNdjson(file, lines);
    }

    /** Reads an NDJSON file of ECS events (nested or dotted keys), skipping blank lines. */
    public static List<SecurityEvent> readNdjson(Path file) throws IOException {
        return readNdjson(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static List<SecurityEvent> readNdjson(Path file, List<String> lines)
            throws IOException {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(EventJson.fromJson(line));
            } catch (IOException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
