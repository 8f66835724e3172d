package org.socengine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

class DepartmentTrafficSimulatorTest {

    private static final long START = 1_764_000_000_000L;

    private static DepartmentTrafficSimulator sim(long seed) {
        return new DepartmentTrafficSimulator(
                seed, START, 180_000, 50, 4, DepartmentDirectory.defaults());
    }

    @Test
    void sameSeedSameTraffic() {
        assertThat(sim(7).events()).isEqualTo(sim(7).events());
        assertThat(sim(7).events()).isNotEqualTo(sim(8).events());
    }

    @Test
    void trafficIsTimeOrderedAndEveryDepartmentSpeaks() {
        List<DepartmentTrafficSimulator.SimEvent> events = sim(1).events();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).timestamp())
                    .isGreaterThanOrEqualTo(events.get(i - 1).timestamp());
        }
        assertThat(
                        events.stream()
                                .map(DepartmentTrafficSimulator.SimEvent::department)
                                .distinct()
                                .count())
                .isEqualTo(DepartmentDirectory.defaults().all().size());
    }

    @Test
    void everyAttackPutsEightFailuresIntoTwoMinutesAndNoNearMissDoes() {
        DepartmentTrafficSimulator s = sim(3);
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        Map<String, List<Long>> failuresBySource =
                s.events().stream()
                        .map(
                                e -> {
                                    RawRecord r = RawRecord.of("syslog", e.line());
                                    r.kafkaTimestamp = e.timestamp();
                                    r.key = e.department();
                                    return decoder.decode(r, 0).event();
                                })
                        .filter(
                                e ->
                                        e != null
                                                && "ssh_login".equals(e.event.action)
                                                && "failure".equals(e.event.outcome))
                        .collect(
                                Collectors.groupingBy(
                                        e -> e.source.ip,
                                        Collectors.mapping(e -> e.timestamp, Collectors.toList())));
        Function<List<Long>, Integer> maxIn120s =
                ts -> {
                    int best = 0;
                    for (int i = 0; i < ts.size(); i++) {
                        int n = 0;
                        for (long t : ts) {
                            if (t >= ts.get(i) && t < ts.get(i) + 120_000) {
                                n++;
                            }
                        }
                        best = Math.max(best, n);
                    }
                    return best;
                };
        DepartmentTrafficSimulator.Plan plan = s.plan();
        assertThat(plan.attacks()).hasSize(4);
        for (DepartmentTrafficSimulator.Attack a : plan.attacks()) {
            assertThat(maxIn120s.apply(failuresBySource.get(a.sourceIp())))
                    .isGreaterThanOrEqualTo(8);
        }
        for (DepartmentTrafficSimulator.NearMiss n : plan.nearMisses()) {
            assertThat(maxIn120s.apply(failuresBySource.get(n.sourceIp()))).isLessThan(8);
        }
    }

    @Test
    void malformedLinesAreCountedInThePlanAndDeadLettered() {
        DepartmentTrafficSimulator s = sim(5);
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        long dead =
                s.events().stream()
                        .map(e -> decoder.decode(RawRecord.of("syslog", e.line()), 0))
                        .filter(o -> o.deadLetter() != null)
                        .count();
        assertThat(dead).isEqualTo(s.plan().malformed());
        SecurityEvent sample =
                decoder.decode(RawRecord.of("syslog", s.events().get(0).line()), 0).event();
        assertThat(sample).isNotNull();
    }
}
