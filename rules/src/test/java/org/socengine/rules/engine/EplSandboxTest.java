package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EplSandboxTest {

    private static List<String> messages(String epl) {
        return EplSandbox.check(epl).stream().map(EplSandbox.Violation::message).toList();
    }

    private static List<String> structural(String epl) {
        return EplStructureCheck.check(epl, EsperSetup.configuration()).stream()
                .map(EplSandbox.Violation::message)
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    Runtime.exec                | select Runtime.exec('id') from Event                                         | not allowed
                    Runtime.getRuntime().exec   | select java.lang.Runtime.getRuntime().exec('id') from Event                  | Java class references are not allowed
                    short Runtime.getRuntime    | select Runtime.getRuntime().exec('id') from Event                            | not allowed
                    System.exit                 | select System.exit(0) from Event                                             | not allowed
                    getClass().forName          | select source.ip.getClass().forName('java.lang.Runtime') from Event          | method call '.getClass(...)' is not allowed
                    java.io.File                | select java.io.File.listRoots() from Event                                   | Java class references are not allowed
                    java.nio.file.Files         | select java.nio.file.Files.readString(url.path) from Event                   | Java class references are not allowed
                    reflection                  | select source.ip.getClass().getDeclaredMethods() from Event                  | method call '.getClass(...)' is not allowed
                    JNDI                        | select javax.naming.InitialContext.doLookup('ldap://x/a') from Event         | Java class references are not allowed
                    class loading               | select source.ip.getClass().getClassLoader().loadClass('x') from Event       | method call '.getClass(...)' is not allowed
                    Thread                      | select Thread.currentThread() from Event                                     | not allowed
                    new instance                | select new java.util.ArrayList() as x from Event                             | creating Java objects is not allowed
                    inlined_class               | create inlined_class ""\" public class A {} ""\"                             | inlined classes are not allowed
                    script                      | expression string js:f(a) [ 1 ] select f(1) from Event                        | scripts are not allowed
                    import                      | import java.lang.*; select * from Event                                      | imports are not allowed
                    keepall                     | select * from Event#keepall                                                  | keepall
                    30-day window               | select count(*) from Event#time(30 days)                                     | time window longer than 24 hours
                    method join                 | select * from Event, method:Util.fetch()                                     | method joins are not allowed
                    hook annotation             | @Hook(type=SQLCOL, hook='x') select * from Event                             | this annotation is not allowed
                    cast to a class             | select cast(source.ip, Runtime) from Event                                   | type 'Runtime' is not allowed
                    """)
    void refuses(String what, String epl, String expected) {
        List<String> m = messages(epl);
        assertThat(m).as(what).isNotEmpty();
        assertThat(String.join("\n", m)).as(what).contains(expected);
    }

    @Test
    void everyFollowedByWithoutBoundIsRefused() {
        String epl =
                "select * from pattern [every a=Auth(event.outcome='failure') -> b=Auth(event.outcome='success' and source.ip=a.source.ip)]";
        assertThat(String.join("\n", messages(epl))).contains("unbounded state");
    }

    @Test
    void boundedPatternsPass() {
        assertThat(
                        messages(
                                "select * from pattern [every a=Auth(event.outcome='failure') -> b=Auth(source.ip=a.source.ip) where timer:within(10 min)]"))
                .isEmpty();
        assertThat(
                        messages(
                                "select * from pattern [every a=Event -> (timer:interval(30 min) and not Event(organization.id=a.organization.id))]"))
                .isEmpty();
        assertThat(messages("select * from pattern [a=Auth -> b=Auth(source.ip=a.source.ip)]"))
                .isEmpty();
    }

    @Test
    void andOfTwoWaitsUnderEveryIsRefused() {
        String epl =
                "select * from pattern [every a=Auth -> (timer:interval(1 min) and b=Auth(source.ip=a.source.ip))]";
        assertThat(String.join("\n", messages(epl))).contains("unbounded state");
    }

    @Test
    void spellingTricksAreCaughtByTheModel() {
        // Passes the text check (no "name(" after a dot), refused by the parsed model.
        assertThat(structural("select source.ip . getClass () from Event")).isNotEmpty();
        assertThat(structural("select cast(source.ip, Runtime) from Event")).isNotEmpty();
        assertThat(structural("select Runtime.exec('id') from Event")).isNotEmpty();
        assertThat(EplSandbox.checkText("select * from Event#time(1 day 1 hour)")).isEmpty();
        assertThat(structural("select * from Event#time(1 day 1 hour)"))
                .anyMatch(s -> s.contains("24 hours"));
    }

    @Test
    void modelCheckReportsTheLineInAMultiStatementModule() {
        String epl = "insert into X select * from Auth;\n\nselect source.ip.getClass()\n from X";
        List<EplSandbox.Violation> v = EplStructureCheck.check(epl, EsperSetup.configuration());
        assertThat(v).hasSize(1);
        assertThat(v.get(0).line()).isEqualTo(3);
    }

    @Test
    void theLibraryIdiomsPass() {
        assertThat(
                        messages(
                                """
                                select window(*) as evidence, count(*) as failures,
                                  window(*).selectFrom(e => e.user.name).distinctOf().countOf() as users
                                from Auth(event.outcome = 'failure' and fields('LogonType') = '3'
                                  and cidrmatch(source.ip, '203.0.113.0/24'))#time(2 min)
                                group by source.ip
                                having count(distinct user.name) >= 10
                                """))
                .isEmpty();
        assertThat(
                        messages(
                                "select window(*) as evidence from Dns(entropy(dns.question.name) > 3.5 and label_max(dns.question.name) > 40)#time(5 min) group by source.ip having count(*) > 20"))
                .isEmpty();
        assertThat(
                        messages(
                                "select * from Auth(timestamp.getHourOfDay() < 7 and cast(fields('LogonType'), int) = 10)"))
                .isEmpty();
    }

    @Test
    void esperOwnAnnotationsCompileAndNoOtherDoes() throws Exception {
        var compiler = com.espertech.esper.compiler.client.EPCompilerProvider.getCompiler();
        var args =
                new com.espertech.esper.compiler.client.CompilerArguments(
                        EsperSetup.configuration());
        String epl =
                "@Name('gaps') @Description('d') @Tag(name='a', value='b') @Priority(1)"
                        + " @Hint('reclaim_group_aged=7200')"
                        + " select count(*) from Network#groupwin(source.ip)#length(2)";
        assertThat(structural(epl)).isEmpty();
        assertThat(compiler.compile(epl, args)).isNotNull();
        assertThat(structural("@Audit select * from Network")).isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> compiler.compile("@Audit select * from Network", args))
                .hasMessageContaining("Audit");
    }
}
