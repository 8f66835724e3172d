package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.model.AlertJson;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleValidationException;

class CompiledRuleCacheTest {

    private static final AtomicInteger URIS = new AtomicInteger();
    private static final long T0 = 1_795_852_800_000L;
    private static final String BURST =
            "select window(*) as evidence, count(*) as failures\n"
                    + "from Auth(event.outcome = 'failure')#time(2 min)\n"
                    + "group by source.ip having count(*) >= 8";

    @TempDir Path tmp;

    private final List<String> warnings = new ArrayList<>();

    private CompiledRuleCache cache() {
        return new CompiledRuleCache(tmp.resolve("cache").resolve("rules"), warnings::add);
    }

    private static RuleDefinition rule(String epl) throws Exception {
        String yaml =
                """
                id: cached
                name: cached rule
                severity: high
                risk_score: 60
                group_by: [source.ip]
                suppress: {for: 10m}
                epl: |
                %s
                """
                        .formatted(epl.indent(2));
        return RuleParser.parse("mem/cached.yml", yaml);
    }

    private List<Path> entries() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("cache").resolve("rules"))) {
            return s.toList();
        }
    }

    private static List<String> alerts(CompiledRule rule) {
        DetectionEngine engine =
                new DetectionEngine("cache-test-" + URIS.incrementAndGet(), List.of(rule));
        try {
            for (int i = 0; i < 20; i++) {
                SecurityEvent e = new SecurityEvent();
                e.timestamp = T0 + i * 2000L;
                e.ensureEvent().category = "authentication";
                e.event.outcome = "failure";
                e.ensureSource().ip = "203.0.113." + (i % 2);
                e.ensureOrganization().id = "so-yt";
                engine.send(e);
            }
            engine.advanceTime(T0 + 3_600_000);
            return engine.drainAlerts().stream().map(AlertJson::toJson).toList();
        } finally {
            engine.close();
        }
    }

    @Test
    void aSecondCompilationIsServedFromTheCacheAndRaisesTheSameAlerts() throws Exception {
        CompiledRule fresh = new RuleCompiler(cache()).compile(rule(BURST));
        assertThat(entries()).hasSize(1);
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(tmp.resolve("cache/rules"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entries().get(0))))
                .isEqualTo("rw-------");

        CompiledRuleCache second = cache();
        CompiledRule cached = new RuleCompiler(second).compile(rule(BURST));
        assertThat(second.hits()).isEqualTo(1);
        assertThat(cached.compiled().getClasses().keySet())
                .isEqualTo(fresh.compiled().getClasses().keySet());
        assertThat(cached.streams()).isEqualTo(fresh.streams());
        assertThat(cached.horizonMillis()).isEqualTo(fresh.horizonMillis());
        List<String> expected = alerts(new RuleCompiler().compile(rule(BURST)));
        assertThat(expected).isNotEmpty();
        assertThat(alerts(cached)).isEqualTo(expected);
        assertThat(warnings).isEmpty();
    }

    @Test
    void differentRuleTextIsAMiss() throws Exception {
        new RuleCompiler(cache()).compile(rule(BURST));
        CompiledRuleCache second = cache();
        new RuleCompiler(second).compile(rule(BURST.replace(">= 8", ">= 9")));
        assertThat(second.hits()).isZero();
        assertThat(entries()).hasSize(2);
    }

    @Test
    void aTamperedOrTruncatedEntryIsAMissAndIsRewritten() throws Exception {
        new RuleCompiler(cache()).compile(rule(BURST));
        Path entry = entries().get(0);
        byte[] good = Files.readAllBytes(entry);

        byte[] tampered = good.clone();
        tampered[tampered.length - 10] ^= 1;
        Files.write(entry, tampered);
        CompiledRuleCache afterTamper = cache();
        List<String> expected = alerts(new RuleCompiler().compile(rule(BURST)));
        assertThat(alerts(new RuleCompiler(afterTamper).compile(rule(BURST)))).isEqualTo(expected);
        assertThat(afterTamper.hits()).isZero();
        CompiledRuleCache rewritten = cache();
        new RuleCompiler(rewritten).compile(rule(BURST));
        assertThat(rewritten.hits()).as("the recompiled rule was saved again").isEqualTo(1);
        good = Files.readAllBytes(entry);

        for (int length : new int[] {0, 7, 44, good.length / 2, good.length - 1}) {
            Files.write(entry, java.util.Arrays.copyOf(good, length));
            CompiledRuleCache afterTruncation = cache();
            new RuleCompiler(afterTruncation).compile(rule(BURST));
            assertThat(afterTruncation.hits()).as("truncated to %d bytes", length).isZero();
        }
        CompiledRuleCache whole = cache();
        new RuleCompiler(whole).compile(rule(BURST));
        assertThat(whole.hits()).isEqualTo(1);
        assertThat(warnings).isEmpty();
    }

    @Test
    void anEntryUnderAnotherRulesKeyIsNotServed() throws Exception {
        new RuleCompiler(cache()).compile(rule(BURST));
        CompiledRuleCache c = cache();
        String otherKey = c.key(BURST.replace(">= 8", ">= 9"));
        Files.copy(entries().get(0), c.directory().resolve(otherKey + ".rule"));
        new RuleCompiler(c).compile(rule(BURST.replace(">= 8", ">= 9")));
        assertThat(c.hits()).isZero();
    }

    @Test
    void aDirectoryOthersCanWriteIsRefusedWithOneWarning() throws Exception {
        new RuleCompiler(cache()).compile(rule(BURST));
        Files.setPosixFilePermissions(
                tmp.resolve("cache/rules"), PosixFilePermissions.fromString("rwxrwxrwx"));
        CompiledRuleCache c = cache();
        RuleCompiler compiler = new RuleCompiler(c);
        compiler.compile(rule(BURST));
        compiler.compile(rule(BURST.replace(">= 8", ">= 9")));
        assertThat(c.hits()).isZero();
        assertThat(entries()).hasSize(1);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("compiling every rule");
    }

    @Test
    void anEntryOthersCanWriteIsRefused() throws Exception {
        new RuleCompiler(cache()).compile(rule(BURST));
        Files.setPosixFilePermissions(
                entries().get(0), PosixFilePermissions.fromString("rw-rw-rw-"));
        CompiledRuleCache c = cache();
        new RuleCompiler(c).compile(rule(BURST));
        assertThat(c.hits()).isZero();
        assertThat(warnings).singleElement().asString().contains("compiling instead");
    }

    @Test
    void aSymbolicLinkIsRefused() throws Exception {
        new RuleCompiler(cache()).compile(rule(BURST));
        Path entry = entries().get(0);
        Path elsewhere = Files.move(entry, tmp.resolve("elsewhere.rule"));
        Files.createSymbolicLink(entry, elsewhere);
        CompiledRuleCache c = cache();
        new RuleCompiler(c).compile(rule(BURST));
        assertThat(c.hits()).isZero();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void theSandboxStillRunsBeforeTheCache() throws Exception {
        String forbidden = "select java.lang.Runtime.getRuntime() as r from Event";
        CompiledRuleCache c = cache();
        new RuleCompiler(c).compile(rule(BURST));
        // Byte code of an accepted rule planted under the key of a refused one.
        Files.copy(entries().get(0), c.directory().resolve(c.key(forbidden) + ".rule"));
        assertThatThrownBy(() -> new RuleCompiler(cache()).compile(rule(forbidden)))
                .isInstanceOf(RuleValidationException.class);
    }
}
