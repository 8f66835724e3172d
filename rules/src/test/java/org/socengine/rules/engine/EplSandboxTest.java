package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EplSandboxTest {

    private static List<String> messages(String epl) {
        return EplSandbox.check(epl).stream().map(EplSandbox.Violation::message).toList();
    }

    /** Legit constructs the library and rule authors rely on: all stay accepted. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "select window(*) as evidence, count(*) as failures,"
                        + " window(*).selectFrom(e => e.user.name).distinctOf().countOf() as users"
                        + " from Auth(event.outcome = 'failure' and fields('LogonType') = '3'"
                        + " and cidrmatch(source.ip, '203.0.113.0/24'))#time(2 min)"
                        + " group by source.ip having count(distinct user.name) >= 10",
                "select window(*).where(x => x.source.port > 1024).orderBy(x => x.timestamp).take(5) as w,"
                        + " window(*).firstOf().source.ip as first_ip, window(*).maxBy(x => x.timestamp).user.name as u"
                        + " from Network#length(100)",
                "select * from Auth(timestamp.getHourOfDay() < 7 and timestamp.withTime(0, 0, 0, 0).getDayOfWeek() = 1"
                        + " and cast(fields('LogonType'), int) = 10)",
                "select a as created, b.fields('TargetUserName') as grp from pattern ["
                        + " every a=Event(event.code = '4720') -> b=Event(fields('MemberSid') = a.fields('TargetSid'))"
                        + " where timer:within(1 hour)]",
                "create window LastSeen#unique(source.ip)#time(1 hour) as Event;"
                        + " insert into LastSeen select * from Auth;"
                        + " on Network delete from LastSeen where LastSeen.source.ip = Network.source.ip;"
                        + " select s.user.name as who from Auth as a unidirectional, LastSeen as s where s.source.ip = a.source.ip",
                "@Hint('reclaim_group_aged=7200') insert into Gap select source.ip as src, timestamp - prev(1, timestamp) as gap"
                        + " from Network#groupwin(source.ip)#length(2); select avg(gap) as g from Gap#time(1 hour) group by src",
                "create context PerSource partition by source.ip from Auth terminated after 1 hour;"
                        + " context PerSource select count(*) as n from Auth",
                "create expression failed { e => e.event.outcome = 'failure' };"
                        + " select count(*) as n from Auth(failed(Auth))#time(5 min)",
                "select * from Web(re_match(url.path, '(?i).*/(wp-login|xmlrpc)[.]php') and url.original like '%.php'"
                        + " and not user.name like 'svc_%')",
                "select (select count(*) from Auth(event.outcome = 'failure')#time(10 min) as f"
                        + " where f.source.ip = s.source.ip) as n from Auth as s",
                "select count(*) as c from pattern [every timer:interval(5 min)] unidirectional, Event#lastevent",
                "select count(*) as c from Event#time(1 min) output snapshot every 1 minute",
                "@Name('x') @Description('d') @Tag(name='a', value='b') @Priority(1)"
                        + " select irstream count(*) as c from Dns#time_batch(1 min) having count(*) > 2 order by c limit 10"
            })
    void legitConstructsStayAccepted(String epl) {
        assertThat(messages(epl)).as(epl).isEmpty();
    }

    @Test
    void theAnalysisMeasuresWindowsHorizonAndStreamsFromTheModel() {
        EplSandbox.Analysis a =
                EplSandbox.analyze(
                        "select * from pattern [every a=Auth -> b=Network(source.ip = a.source.ip)"
                                + " where timer:within(15 min)] /* Dns#time(23 hours) */;"
                                + " select count(*) as c from Web#time(10 min)");
        assertThat(a.violations()).isEmpty();
        assertThat(a.streams()).containsExactly("Auth", "Network", "Web");
        assertThat(a.longestWindowMillis()).isEqualTo(600_000);
        assertThat(a.horizonMillis()).isEqualTo(900_000);
    }

    private static final String SILENCE =
            "create window SourceLastSeen#unique(organization.id, event.module)#time(24 hours) as Event;\n"
                    + "insert into SourceLastSeen\n"
                    + "  select * from Event(organization.id is not null and event.module is not null);\n"
                    + "select s as last_event from Event as e unidirectional, SourceLastSeen as s\n"
                    + "  where s.organization.id = e.organization.id and e.timestamp >= s.timestamp + 1800000";

    @Test
    void aWindowOfTheLastEventPerKeyNeedsOneEventPerKeyNotItsWholeTime() {
        EplSandbox.Analysis a = EplSandbox.analyze(SILENCE);
        assertThat(a.violations()).isEmpty();
        assertThat(a.horizonMillis()).isEqualTo(86_400_000);
        assertThat(a.keptHorizonMillis()).isZero();
        assertThat(a.keyedWindows())
                .containsExactly(
                        new KeyedWindow(
                                "SourceLastSeen",
                                List.of("organization.id", "event.module"),
                                86_400_000));

        // The rest of the rule's state still needs every event of its time.
        EplSandbox.Analysis withMore =
                EplSandbox.analyze(SILENCE + ";\nselect count(*) as n from Auth#time(10 min)");
        assertThat(withMore.keptHorizonMillis()).isEqualTo(600_000);
        assertThat(withMore.keyedWindows()).hasSize(1);
    }

    /**
     * Whatever could make a window's content depend on more than the last event of each key keeps
     * its whole horizon: a restore must rebuild it exactly.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                // A projection, a where that looks back, an aggregation, a window on the writer.
                "create window W#unique(source.ip)#time(2 hours) as Event;"
                        + " insert into W select * from Auth#time(1 min) having count(*) >= 3;"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip",
                "create window W#unique(ip)#time(2 hours) as select source.ip as ip, user.name as user from Auth;"
                        + " insert into W select source.ip as ip, user.name as user from Auth;"
                        + " select * from Auth as a unidirectional, W as w where w.ip = a.source.ip",
                "create window W#unique(source.ip)#time(2 hours) as Event;"
                        + " insert into W select * from Auth#length(10);"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip",
                "create window W#unique(source.ip)#time(2 hours) as Event;"
                        + " insert into W select * from Auth where prior(1, source.ip) = source.ip;"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip",
                "create window W#unique(source.ip)#time(2 hours) as Event;"
                        + " insert into W select * from Auth as a where exists"
                        + " (select * from Network#time(1 min) as n where n.source.ip = a.source.ip);"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip",
                // Rows deleted by another statement.
                "create window W#unique(source.ip)#time(2 hours) as Event;"
                        + " insert into W select * from Auth;"
                        + " on Network delete from W where W.source.ip = Network.source.ip;"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip",
                // Not one key per event: a plain time window, or a key that is an expression.
                "create window W#time(2 hours) as Event; insert into W select * from Auth;"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip",
                "create window W#unique(source.ip)#time(2 hours)#length(100) as Event;"
                        + " insert into W select * from Auth;"
                        + " select * from Auth as a unidirectional, W as w where w.source.ip = a.source.ip"
            })
    void aWindowWhoseContentNeedsMoreThanTheLastEventPerKeyKeepsItsHorizon(String epl) {
        EplSandbox.Analysis a = EplSandbox.analyze(epl);
        assertThat(a.violations()).as(epl).isEmpty();
        assertThat(a.keyedWindows()).as(epl).isEmpty();
        assertThat(a.keptHorizonMillis()).as(epl).isEqualTo(a.horizonMillis()).isPositive();
    }

    @Test
    void aStatementTheModelCannotCheckIsRefusedNotPassedOn() {
        assertThat(
                        messages(
                                "select event_identity_equals(a, b) from Event as a, Event#lastevent as b"))
                .anyMatch(m -> m.contains("cannot be checked"));
        assertThat(messages("select from where")).isNotEmpty();
    }

    @Test
    void violationsNameTheLineInAMultiStatementModule() {
        String epl = "insert into X select * from Auth;\n\nselect source.ip.getClass()\n from X";
        List<EplSandbox.Violation> v = EplSandbox.check(epl);
        assertThat(v).isNotEmpty();
        assertThat(v).allMatch(x -> x.line() == 3);
    }

    /**
     * The chain rule rests on this: no enumeration method name is a member of a value type a rule
     * can see, so a name Esper does not take as an enumeration method reaches no Java code.
     */
    @Test
    void noAllowedMethodNameIsAJavaMemberOfAValueType() {
        Set<String> enumeration = new java.util.HashSet<>();
        enumeration.addAll(EplAllowList.ENUM_TO_COLLECTION);
        enumeration.addAll(EplAllowList.ENUM_TO_EVENT);
        enumeration.addAll(EplAllowList.ENUM_TO_VALUE);
        List<String> clashes = new ArrayList<>();
        List<Class<?>> types = new ArrayList<>(EcsModel.MODEL_TYPES);
        types.addAll(
                List.of(
                        Object.class,
                        String.class,
                        java.util.Map.class,
                        java.util.List.class,
                        java.util.Collection.class));
        for (Class<?> c : types) {
            for (String m : EplAllowList.JavaMembers.members(c)) {
                if (enumeration.contains(m.toLowerCase(java.util.Locale.ROOT))) {
                    clashes.add(c.getName() + "." + m);
                }
            }
        }
        assertThat(clashes).isEmpty();
        assertThat(EplAllowList.JavaMembers.NAMES)
                .contains("class", "bytes", "empty", "field", "length");
        assertThat(EplAllowList.JavaMembers.NAMES).doesNotContain("source", "user", "ip");
    }

    /** Defence in depth: the configuration alone refuses what Esper lets it refuse. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "select java.lang.Runtime.getRuntime() as r from Event",
                "select java.lang.System.getenv() as r from Event",
                "select org.socengine.model.EcsPaths.get(e, 'user.name') as r from Event as e",
                "select org.socengine.rules.engine.EsperSetup.configuration() as r from Event",
                "select new java.io.File('x') as f from Event",
                "expression string js:f() [ 'x' ] select f() as x from Event",
                "inlined_class \"\"\" public class A { public static int x() { return 1; } } \"\"\" select A.x() as x from Event",
                "@Audit select * from Event",
                "select * from Event, method:java.lang.System.getenv()"
            })
    void theEsperConfigurationRefusesClassesScriptsAndInlinedCode(String epl) {
        CompilerArguments args = new CompilerArguments(EsperSetup.configuration());
        assertThatThrownBy(() -> EPCompilerProvider.getCompiler().compile(epl, args))
                .isInstanceOf(EPCompileException.class);
    }

    @Test
    void theEsperConfigurationStillCompilesTheCuratedFunctionsAndTheModel() throws Exception {
        CompilerArguments args = new CompilerArguments(EsperSetup.configuration());
        assertThat(
                        EPCompilerProvider.getCompiler()
                                .compile(
                                        "@Hint('reclaim_group_aged=60') select re_match(user.name, 'a+') as m,"
                                                + " cast(source.port, long) as p from Auth#groupwin(source.ip)#length(2)",
                                        args))
                .isNotNull();
        assertThat(EsperSetup.RuleClassResolver.allowed("java.lang.Runtime")).isFalse();
        assertThat(EsperSetup.RuleClassResolver.allowed("java.lang.String")).isTrue();
    }

    @Test
    void reMatchIsLinearOnTheInputThatHangsJavaUtilRegex() {
        String user = "a".repeat(40) + "!";
        long start = System.nanoTime();
        assertThat(RuleFunctions.reMatch(user, "((a+)+)+b")).isFalse();
        assertThat(RuleFunctions.reMatch("a".repeat(1_000_000), "((a+)+)+b")).isFalse();
        assertThat(RuleFunctions.reMatch("ET TROJAN x", "(ET|ETPRO) (TROJAN|MALWARE) .*")).isTrue();
        assertThat(RuleFunctions.reMatch("/WP-LOGIN.php", "(?i).*/wp-login[.]php")).isTrue();
        // Generous: java.util.regex does not finish on the 41-character name at all.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        assertThat(RuleFunctions.rePatternProblem("(a)\\1")).isNotNull();
        assertThat(RuleFunctions.rePatternProblem("(?i)a[.]b")).isNull();
    }
}
