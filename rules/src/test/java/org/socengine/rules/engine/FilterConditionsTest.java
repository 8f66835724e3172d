package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socengine.model.SecurityEvent;

/**
 * The constant conditions routing reads from a rule's stream filters: each form understood, each
 * form not understood taken as "every event", and a stream read several times as the "or" of its
 * uses. An event the condition refuses must be one the filter refuses.
 */
class FilterConditionsTest {

    private static Map<String, EventCondition> conditions(String epl) {
        EplSandbox.Analysis a = EplSandbox.analyze(epl);
        assertThat(a.violations()).as(epl).isEmpty();
        return a.conditions();
    }

    private static EventCondition condition(String epl, String stream) {
        return conditions(epl).get(stream);
    }

    private static SecurityEvent event(String module, String action, String code) {
        SecurityEvent e = new SecurityEvent();
        e.ensureEvent().module = module;
        e.event.action = action;
        e.event.code = code;
        e.event.category = "authentication";
        return e;
    }

    private static final SecurityEvent SSH_FAILURE = event("syslog", "ssh_login", null);
    private static final SecurityEvent WIN_4720 = event("winlog", "user_created", "4720");
    private static final SecurityEvent WIN_4732 = event("winlog", "group_member_added", "4732");
    private static final SecurityEvent BARE = new SecurityEvent();

    @Test
    void equalityWithAStringConstantOnEitherSide() {
        for (String epl :
                List.of(
                        "select * from Event(event.module = 'winlog')",
                        "select * from Event('winlog' = event.module)")) {
            EventCondition c = condition(epl, "Event");
            assertThat(c.test(WIN_4720)).isTrue();
            assertThat(c.test(SSH_FAILURE)).isFalse();
            assertThat(c.test(BARE)).as("a null field equals nothing").isFalse();
        }
    }

    @Test
    void inAListOfStrings() {
        EventCondition c =
                condition("select * from Event(event.code in ('4720', '4732'))", "Event");
        assertThat(c.test(WIN_4720)).isTrue();
        assertThat(c.test(WIN_4732)).isTrue();
        assertThat(c.test(event("winlog", "x", "4625"))).isFalse();
        assertThat(c.test(SSH_FAILURE)).isFalse();
    }

    @Test
    void wholeNumbersCompareAsNumbers() {
        EventCondition c =
                condition(
                        "select * from Network(destination.port in (445, 3389) and event.severity = 1)",
                        "Network");
        SecurityEvent smb = new SecurityEvent();
        smb.ensureDestination().port = 445;
        smb.ensureEvent().severity = 1;
        SecurityEvent ssh = new SecurityEvent();
        ssh.ensureDestination().port = 22;
        ssh.ensureEvent().severity = 1;
        assertThat(c.test(smb)).isTrue();
        assertThat(c.test(ssh)).isFalse();
    }

    @Test
    void isNotNull() {
        EventCondition c = condition("select * from Event(source.ip is not null)", "Event");
        SecurityEvent withIp = new SecurityEvent();
        withIp.ensureSource().ip = "10.0.0.1";
        assertThat(c.test(withIp)).isTrue();
        assertThat(c.test(BARE)).isFalse();
    }

    @Test
    void conjunctionsAndDisjunctions() {
        EventCondition c =
                condition(
                        "select * from Auth((event.action = 'ssh_login' and event.module = 'syslog')"
                                + " or event.code = '4720')",
                        "Auth");
        assertThat(c.test(SSH_FAILURE)).isTrue();
        assertThat(c.test(WIN_4720)).isTrue();
        assertThat(c.test(event("winlog", "ssh_login", "4625"))).isFalse();
        assertThat(c.test(event("syslog", "su", null))).isFalse();
    }

    @Test
    void aConjunctNotUnderstoodLeavesTheOthers() {
        EventCondition c =
                condition(
                        "select * from Event(event.module = 'winlog'"
                                + " and re_match(process.command_line, '.*x.*')"
                                + " and not event.code = '1')",
                        "Event");
        assertThat(c.test(WIN_4720)).isTrue();
        assertThat(c.test(SSH_FAILURE)).isFalse();
    }

    /** Each of these is "may hold" for every event: the filter decides in Esper. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "select * from Event",
                "select * from Event(event.module != 'winlog')",
                "select * from Event(not event.module = 'winlog')",
                "select * from Event(event.module not in ('winlog', 'zeek'))",
                "select * from Event(event.module like 'win%')",
                "select * from Event(re_match(event.module, 'winlog'))",
                "select * from Event(fields('Channel') = 'Security')",
                "select * from Event(threat.enrichments is not null)",
                "select * from Event(event.module is null)",
                "select * from Event(event.severity > 2)",
                "select * from Event(event.severity = 2.0)",
                "select * from Event(event.module = 'winlog' or re_match(event.code, '46.*'))",
                "select * from Event(event.module in ('winlog', event.dataset))",
                "select * from Event(coalesce(event.module, 'x') = 'winlog')",
                "select * from Event(event.code = 4720)",
            })
    void formsNotUnderstoodLetEveryEventThrough(String epl) {
        EventCondition c = condition(epl, "Event");
        assertThat(c).isEqualTo(EventCondition.ALWAYS);
        assertThat(c.test(BARE)).isTrue();
    }

    @Test
    void aPropertyOfATagIsNotTheFilteredEventsField() {
        // 'event' here is the first event's tag, not the second event's own event object.
        EventCondition c =
                condition(
                        "select * from pattern [every event=Auth(event.action = 'ssh_login')"
                                + " -> b=Auth(event.action = 'su') where timer:within(1 min)]",
                        "Auth");
        assertThat(c.test(event("syslog", "sudo", null)))
                .as("the second filter reads the tag's field: no condition of its own")
                .isTrue();
    }

    @Test
    void aStreamReadSeveralTimesIsTheOrOfItsUses() {
        String pattern =
                "select a, b from pattern [every a=Event(event.module = 'winlog' and event.code = '4720')"
                        + " -> b=Event(event.module = 'winlog' and event.code in ('4732', '4728'))"
                        + " where timer:within(1 hour)]";
        EventCondition c = condition(pattern, "Event");
        assertThat(c.test(WIN_4720)).isTrue();
        assertThat(c.test(WIN_4732)).isTrue();
        assertThat(c.test(event("winlog", "x", "4625"))).isFalse();
        assertThat(c.test(SSH_FAILURE)).isFalse();

        String subquery =
                "select s, (select count(*) from Auth(event.outcome = 'failure')#time(10 min) as f"
                        + " where f.source.ip = s.source.ip) as n"
                        + " from Auth(event.outcome = 'success') as s";
        EventCondition both = condition(subquery, "Auth");
        SecurityEvent failure = event("syslog", "ssh_login", null);
        failure.event.outcome = "failure";
        SecurityEvent success = event("syslog", "ssh_login", null);
        success.event.outcome = "success";
        assertThat(both.test(failure)).isTrue();
        assertThat(both.test(success)).isTrue();
        assertThat(both.test(SSH_FAILURE)).as("no outcome at all").isFalse();

        String oneUnfiltered =
                "insert into Fails select * from Auth(event.outcome = 'failure');"
                        + " select * from Fails#time(1 min) as f, Auth#time(1 min) as a"
                        + " where f.source.ip = a.source.ip";
        assertThat(condition(oneUnfiltered, "Auth")).isEqualTo(EventCondition.ALWAYS);
    }

    @Test
    void aNamedWindowsTypeReadsNoEvent() {
        Map<String, EventCondition> c =
                conditions(
                        "create window LastSeen#unique(event.module)#time(1 hour) as Event;"
                                + " insert into LastSeen select * from Event(event.module = 'winlog');"
                                + " select * from Event(event.module = 'zeek') as e unidirectional, LastSeen as l"
                                + " where l.event.module = e.event.module");
        EventCondition event = c.get("Event");
        assertThat(event.test(WIN_4720)).isTrue();
        assertThat(event.test(event("zeek", "x", null))).isTrue();
        assertThat(event.test(SSH_FAILURE)).isFalse();
    }

    @Test
    void onTriggersAndContextsAreUsesToo() {
        EventCondition c =
                condition(
                        "create window Seen#time(1 hour) as Event;"
                                + " insert into Seen select * from Event(event.module = 'winlog');"
                                + " on Event(event.module = 'zeek') as z delete from Seen as s"
                                + " where s.source.ip = z.source.ip",
                        "Event");
        assertThat(c.test(event("zeek", "x", null))).isTrue();
        assertThat(c.test(WIN_4720)).isTrue();
        assertThat(c.test(SSH_FAILURE)).isFalse();
    }

    @Test
    void everyStreamTheRuleReadsHasACondition() {
        Map<String, EventCondition> c =
                conditions(
                        "select * from pattern [every a=Ids(event.severity = 1)"
                                + " -> b=Network(source.ip = a.destination.ip) where timer:within(15 min)]");
        assertThat(c).containsOnlyKeys("Network", "Ids");
        assertThat(c.get("Network")).isEqualTo(EventCondition.ALWAYS);
        assertThat(c.get("Ids")).isNotEqualTo(EventCondition.ALWAYS);
    }

    @Test
    void jsonRoundTrip() {
        Map<String, EventCondition> c =
                conditions(
                        "select * from Event((event.module = 'winlog' and event.code in ('1', '4688'))"
                                + " or (source.ip is not null and destination.port in (22, 2222)));"
                                + " select * from Auth(event.action = 'ssh\\tlogin')");
        String json = EventCondition.toJson(c);
        assertThat(EventCondition.parseByStream(json)).isEqualTo(c);
        assertThat(json).doesNotContain("\t");
        assertThat(EventCondition.parseByStream("not json")).isNull();
        assertThat(EventCondition.parse("{\"what\": 1}")).isEqualTo(EventCondition.ALWAYS);
        assertThat(EventCondition.parse("{\"in\": \"no.such.field\", \"values\": [\"x\"]}"))
                .isEqualTo(EventCondition.ALWAYS);
    }

    @Test
    void theIndexOfManyConditionsAnswersAsTheirOr() {
        List<EventCondition> departments =
                java.util.stream.IntStream.range(0, 300)
                        .mapToObj(
                                i ->
                                        condition(
                                                "select * from Auth(organization.id = 'd"
                                                        + i
                                                        + "' and event.action = 'ssh_login')",
                                                "Auth"))
                        .toList();
        List<EventCondition> all = new java.util.ArrayList<>(departments);
        all.add(condition("select * from Auth(source.ip is not null)", "Auth"));
        EventConditionIndex index = EventConditionIndex.of(departments);
        EventConditionIndex withRest = EventConditionIndex.of(all);
        SecurityEvent inD7 = event("syslog", "ssh_login", null);
        inD7.ensureOrganization().id = "d7";
        SecurityEvent inD7Su = event("syslog", "su", null);
        inD7Su.ensureOrganization().id = "d7";
        SecurityEvent elsewhere = event("syslog", "ssh_login", null);
        elsewhere.ensureOrganization().id = "x";
        SecurityEvent withIp = event("syslog", "su", null);
        withIp.ensureSource().ip = "10.0.0.1";
        for (SecurityEvent e : List.of(inD7, inD7Su, elsewhere, withIp, BARE)) {
            boolean any = all.stream().anyMatch(c -> c.test(e));
            boolean anyDepartment = departments.stream().anyMatch(c -> c.test(e));
            assertThat(withRest.test(e)).isEqualTo(any);
            assertThat(index.test(e)).isEqualTo(anyDepartment);
        }
        assertThat(index.test(inD7)).isTrue();
        assertThat(index.test(inD7Su)).isFalse();
        assertThat(EventConditionIndex.of(List.of()).test(BARE)).isTrue();
        assertThat(EventConditionIndex.of(List.of(EventCondition.NEVER)).test(BARE)).isFalse();
    }
}
