package org.socengine.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.cli.bench.TrafficMix;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SocTopics;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.library.RuleTestRunner;

/**
 * The demo's traffic, run through the real decoders and every rule of rules/detections without
 * Kafka or Flink (each rule replayed on the whole minute, Esper on the events' own time): every
 * planted attack is alerted on its address, no benign source near a threshold is, and the mix
 * covers every source in event-time order.
 */
class DemoTrafficTest {

    private static final long START = Instant.parse("2026-11-24T02:00:00Z").toEpochMilli();

    private static DemoTraffic.Plan plan;
    private static final List<TrafficMix.Line> lines = new ArrayList<>();
    private static final List<SecurityEvent> events = new ArrayList<>();
    private static final List<String> deadLetters = new ArrayList<>();

    @BeforeAll
    static void generateAndDecode() {
        DepartmentDirectory departments = DepartmentDirectory.defaults();
        DemoTraffic traffic = new DemoTraffic(20191107, START, 60_000, 100, 6, departments);
        plan = traffic.plan();
        traffic.forEachRemaining(lines::add);
        RecordDecoder decoder = new RecordDecoder(DecoderOptions.defaults(), departments);
        for (TrafficMix.Line l : lines) {
            RawRecord r = RawRecord.of(l.source(), l.text());
            r.topic = SocTopics.raw(l.source());
            r.key = l.department();
            r.kafkaTimestamp = l.timestamp();
            RecordDecoder.Outcome o = decoder.decode(r, l.timestamp());
            if (o.event() != null) {
                events.add(o.event());
            } else if (o.deadLetter() != null) {
                deadLetters.add(l.source() + ": " + l.text());
            }
        }
    }

    @Test
    void theMixCoversEverySourceInEventTimeOrder() {
        Set<String> sources = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (TrafficMix.Line l : lines) {
            sources.add(l.source());
            assertThat(l.timestamp()).as(l.text()).isGreaterThanOrEqualTo(last);
            last = l.timestamp();
        }
        assertThat(sources).containsExactlyInAnyOrderElementsOf(DemoTraffic.sources());
        // A minute at 100 lines/s, give or take, and the planted lines on top.
        assertThat(lines).hasSizeBetween(5_500, 7_000);
        assertThat(plan.attacks())
                .extracting(DemoTraffic.Attack::family)
                .containsExactly(DemoTraffic.Family.values());
        assertThat(plan.attacks())
                .extracting(DemoTraffic.Attack::department)
                .doesNotHaveDuplicates();
        assertThat(plan.attacks()).allSatisfy(a -> assertThat(a.end()).isLessThan(START + 50_000));
    }

    @Test
    void everyPlantedLineDecodesAndOnlyTheBrokenShippersLinesAreDeadLettered() {
        // The background carries a few malformed syslog lines on purpose (a broken shipper's).
        assertThat(deadLetters).allSatisfy(d -> assertThat(d).startsWith("syslog: "));
        assertThat(deadLetters).hasSizeBetween(1, 4);
        Set<String> planted = new HashSet<>();
        plan.attacks().forEach(a -> planted.add(a.sourceIp()));
        plan.benign().forEach(b -> planted.add(b.sourceIp()));
        Set<String> seen = new HashSet<>();
        for (SecurityEvent e : events) {
            if (e.source != null && planted.contains(e.source.ip)) {
                seen.add(e.source.ip);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(planted);
    }

    @Test
    void everyAttackIsAlertedOnItsAddressAndNoBenignSourceIs() throws Exception {
        Map<String, Set<String>> rulesByIp = new HashMap<>();
        for (CompiledRule rule : RuleSets.compileAll(Path.of("..", "rules", "detections"))) {
            for (Alert a : RuleTestRunner.replay(rule, events)) {
                String ip = a.entity.get("source.ip");
                if (ip != null) {
                    rulesByIp.computeIfAbsent(ip, k -> new TreeSet<>()).add(a.ruleName);
                }
            }
        }
        for (DemoTraffic.Attack a : plan.attacks()) {
            assertThat(rulesByIp)
                    .as(a.family() + " from " + a.sourceIp())
                    .containsKey(a.sourceIp());
        }
        for (DemoTraffic.Benign b : plan.benign()) {
            assertThat(rulesByIp.get(b.sourceIp())).as(b.family() + ": " + b.why()).isNull();
        }
    }
}
