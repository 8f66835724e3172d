package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.RichCoFlatMapFunction;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.api.operators.co.CoStreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleParser;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;

/**
 * The router sends an event to a family only when one of the family's rules reads its stream with a
 * filter that may accept it: a syslog line no longer reaches a family of Windows rules. The
 * conditions follow rule deployments, survive a restore, and router state written before they were
 * kept restores as routing by streams alone.
 */
class RuleRouterConditionsTest {

    private static CompiledRule winlog;
    private static CompiledRule winlogUnfiltered;
    private static CompiledRule ssh;

    /** The families: department-scoped rules are keyed by the department as well. */
    private static String HOST;

    private static String SSH;

    static CompiledRule rule(String id, String groupBy, String epl) throws Exception {
        String yaml =
                """
                id: %s
                name: router rule %s
                version: 1
                severity: high
                risk_score: 60
                group_by: [%s]
                epl: |
                %s
                """
                        .formatted(id, id, groupBy, epl.indent(2));
        return new RuleCompiler().compile(RuleParser.parse("mem/" + id + ".yml", yaml));
    }

    @BeforeAll
    static void compile() throws Exception {
        winlog =
                rule(
                        "7b0e1c44-7d43-4c1e-9a8e-2f55c1a9e001",
                        "host.name",
                        "select * from Event(event.module = 'winlog' and event.code in ('1102', '104'))");
        winlogUnfiltered =
                rule(
                        "7b0e1c44-7d43-4c1e-9a8e-2f55c1a9e002",
                        "host.name",
                        "select * from Event(re_match(coalesce(event.original, ''), '.*cleared.*'))");
        ssh =
                rule(
                        "7b0e1c44-7d43-4c1e-9a8e-2f55c1a9e003",
                        "source.ip",
                        "select window(*) as evidence from Auth(event.action = 'ssh_login'"
                                + " and event.outcome = 'failure')#time(2 min)"
                                + " group by source.ip having count(*) >= 8");
        HOST = RuleFamilies.familyOf(winlog.definition());
        SSH = RuleFamilies.familyOf(ssh.definition());
        assertThat(HOST).isNotEqualTo(SSH);
    }

    static SecurityEvent sshFailure() {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_800_000_000_000L;
        e.ensureEvent().module = "syslog";
        e.event.category = "authentication";
        e.event.action = "ssh_login";
        e.event.outcome = "failure";
        e.ensureSource().ip = "203.0.113.7";
        e.ensureHost().name = "web-1";
        return e;
    }

    static SecurityEvent auditLogCleared() {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_800_000_000_000L;
        e.ensureEvent().module = "winlog";
        e.event.code = "1102";
        e.ensureHost().name = "dc-1";
        return e;
    }

    /** The families the router sends the event to. */
    static List<String> familiesOf(RuleRouter router, SecurityEvent e) {
        List<Routed> out = new ArrayList<>();
        router.route(e, new ListCollector<>(out));
        List<String> families = new ArrayList<>();
        for (Routed r : out) {
            families.addAll(List.of(r.families));
        }
        return families;
    }

    static RuleRouter opened(RuleFamilies families) {
        RuleRouter router = new RuleRouter(families);
        router.open();
        return router;
    }

    @Test
    void aSyslogEventNoLongerReachesAWindowsOnlyFamily() {
        RuleFamilies families = RuleFamilies.of(List.of(winlog, ssh));
        RuleRouter router = opened(families);
        assertThat(familiesOf(router, sshFailure())).containsExactly(SSH);
        assertThat(familiesOf(router, auditLogCleared())).containsExactly(HOST);

        // Routed by streams alone, as before: the syslog event has a host name, so it went there.
        RuleRouter byStreams = opened(families.withoutConditions());
        assertThat(familiesOf(byStreams, sshFailure())).containsExactlyInAnyOrder(HOST, SSH);
    }

    @Test
    void aRuleOfTheFamilyWithoutAConditionTakesTheWholeStream() {
        RuleRouter router = opened(RuleFamilies.of(List.of(winlog, winlogUnfiltered, ssh)));
        assertThat(familiesOf(router, sshFailure())).containsExactlyInAnyOrder(HOST, SSH);
    }

    @Test
    void deploymentsChangeTheConditions() {
        RuleRouter router = opened(RuleFamilies.of(List.of(ssh)));
        List<Routed> controls = new ArrayList<>();
        Collector<Routed> out = new ListCollector<>(controls);
        router.control(Control.deploy(winlog), out);
        assertThat(familiesOf(router, sshFailure())).containsExactly(SSH);
        assertThat(familiesOf(router, auditLogCleared())).containsExactly(HOST);
        router.control(Control.deploy(winlogUnfiltered), out);
        assertThat(familiesOf(router, sshFailure())).containsExactlyInAnyOrder(HOST, SSH);
        router.control(Control.remove(winlogUnfiltered.id()), out);
        assertThat(familiesOf(router, sshFailure())).containsExactly(SSH);
        router.control(Control.remove(winlog.id()), out);
        assertThat(familiesOf(router, auditLogCleared())).isEmpty();
    }

    private static OneInputStreamOperatorTestHarness<Routed, Routed> harness(RuleRouter f)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(f));
    }

    /** The router as versions before the decode step passed control messages on had it. */
    private static TwoInputStreamOperatorTestHarness<SecurityEvent, Control, Routed>
            twoInputHarness(RichCoFlatMapFunction<SecurityEvent, Control, Routed> f)
                    throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(new CoStreamFlatMap<>(f));
    }

    private static StreamRecord<Routed> deployment(CompiledRule rule) {
        return new StreamRecord<>(Routed.control(0, Control.deploy(rule)), 0);
    }

    private static List<String> familiesRouted(
            OneInputStreamOperatorTestHarness<Routed, Routed> h, SecurityEvent e) throws Exception {
        h.getOutput().clear();
        h.processElement(new StreamRecord<>(Routed.unrouted(e), e.timestamp));
        List<String> families = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Routed routed) {
                families.addAll(List.of(routed.families));
            }
        }
        return families;
    }

    @Test
    void conditionsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new RuleRouter(RuleFamilies.of(List.of(ssh))))) {
            h.open();
            h.processElement(deployment(winlog));
            snapshot = h.snapshot(1, 1);
        }
        // Restored into a router whose job was built with no rules: the state decides.
        try (var h = harness(new RuleRouter(new RuleFamilies()))) {
            h.initializeState(snapshot);
            h.open();
            assertThat(familiesRouted(h, sshFailure())).containsExactly(SSH);
            assertThat(familiesRouted(h, auditLogCleared())).containsExactly(HOST);
        }
    }

    /** The router's state as versions before conditions wrote it: key fields and streams only. */
    static final class ShapesWithoutConditions
            extends RichCoFlatMapFunction<SecurityEvent, Control, Routed>
            implements CheckpointedFunction {
        private transient BroadcastState<String, String> shapes;

        @Override
        public void flatMap1(SecurityEvent value, Collector<Routed> out) {}

        @Override
        public void flatMap2(Control value, Collector<Routed> out) {}

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            shapes.clear();
            shapes.put(winlog.id(), HOST + "\tEvent");
            shapes.put(ssh.id(), SSH + "\tAuth");
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            shapes =
                    context.getOperatorStateStore()
                            .getBroadcastState(
                                    new MapStateDescriptor<>(
                                            "rule-shapes-by-id", Types.STRING, Types.STRING));
        }
    }

    @Test
    void stateWrittenWithoutConditionsRestoresAsRoutingByStreams() throws Exception {
        OperatorSubtaskState old;
        // Written by the two-input router of those versions: the state carries over.
        try (var h = twoInputHarness(new ShapesWithoutConditions())) {
            h.open();
            old = h.snapshot(1, 1);
        }
        try (var h = harness(new RuleRouter(RuleFamilies.of(List.of(winlog, ssh))))) {
            h.initializeState(old);
            h.open();
            // Nothing known of the Windows rule's filter: every Event-stream event with a host.
            assertThat(familiesRouted(h, sshFailure())).containsExactlyInAnyOrder(HOST, SSH);
            assertThat(familiesRouted(h, auditLogCleared())).containsExactly(HOST);
            // A deployment brings the conditions back.
            h.processElement(deployment(winlog));
            assertThat(familiesRouted(h, sshFailure())).containsExactly(SSH);
        }
    }
}
