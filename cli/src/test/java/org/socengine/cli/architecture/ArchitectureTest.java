package org.socengine.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.Decoder;

/**
 * The layering of docs/architecture.md, checked on the compiled classes so that it stays true: no
 * package cycle anywhere, and each layer depends only on the layers below it. Maven already refuses
 * module cycles; these rules hold inside the modules, where nothing else would notice.
 */
class ArchitectureTest {

    private static final String DECODE = "org.socengine.connectors.decode";

    /** The decoders' source families, one package each under {@code decode}. */
    private static final List<String> FAMILIES =
            List.of("syslog", "cef", "firewall", "web", "dns", "windows", "network");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        // Test classes come from test-classes folders and, for the modules
                        // below, their -tests.jar: neither is part of the layering.
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(location -> !location.contains("-tests.jar"))
                        .importPackages("org.socengine");
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.socengine.(**)")
                .should()
                .beFreeOfCycles()
                .because("one home per concern: a package that needs another's callers is two")
                .check(classes);
    }

    @Test
    void theModelDependsOnNothingOfTheEngine() {
        noClasses()
                .that()
                .resideInAPackage("org.socengine.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.socengine.rules..",
                        "org.socengine.connectors..",
                        "org.socengine.local..",
                        "org.socengine.jobs..",
                        "org.socengine.sim..",
                        "org.socengine.cli..")
                .check(classes);
    }

    @Test
    void theLaunchersNeedNothingOfTheEngineButTheTopicNames() {
        noClasses()
                .that()
                .resideInAPackage("org.socengine.local..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.socengine.rules..",
                        "org.socengine.connectors..",
                        "org.socengine.jobs..",
                        "org.socengine.sim..",
                        "org.socengine.cli..")
                .because("the connectors and the jobs use the launchers in their tests")
                .check(classes);
    }

    @Test
    void theJobAndItsConnectorsRunWithoutTheLocalLaunchers() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.socengine.connectors..",
                        "org.socengine.rules..",
                        "org.socengine.jobs..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.socengine.local..")
                .because(
                        "the local broker and node are test and demo tools, never on the job's"
                                + " class path")
                .check(classes);
    }

    @Test
    void rulesAndConnectorsDoNotReachTheJobs() {
        noClasses()
                .that()
                .resideInAnyPackage("org.socengine.rules..", "org.socengine.connectors..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.socengine.jobs..", "org.socengine.cli..")
                .check(classes);
    }

    @Test
    void theJobsNeedNoToolOfTheCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("org.socengine.jobs..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.socengine.cli..", "org.socengine.sim..", "picocli..")
                .check(classes);
    }

    @Test
    void theElasticsearchSinksKnowNoKafka() {
        noClasses()
                .that()
                .resideInAPackage("org.socengine.connectors.elasticsearch..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.socengine.connectors.kafka..",
                        "org.apache.kafka..",
                        "org.apache.flink.connector.kafka..")
                .because(
                        "each sink does one job: refused alerts leave through the dead-letter"
                                + " sink the job gives the alert sink")
                .check(classes);
    }

    @Test
    void decodersDoNotWriteToKafkaOrElasticsearch() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.socengine.connectors.decode..", "org.socengine.connectors.enrich..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.socengine.connectors.kafka..",
                        "org.socengine.connectors.elasticsearch..",
                        "org.apache.kafka..",
                        "co.elastic..")
                .check(classes);
    }

    @Test
    void noDecoderDependsOnAnotherDecoder() {
        classes()
                .that()
                .implement(Decoder.class)
                .should(dependOnNoOtherDecoder())
                .because(
                        "a decoder composes formats (decode.format, its family's parsers); what"
                                + " two sources share is a format, not a decoder")
                .check(classes);
    }

    @Test
    void everyDecoderLivesInItsSourceFamily() {
        classes()
                .that()
                .implement(Decoder.class)
                .and()
                .doNotHaveModifier(JavaModifier.ABSTRACT)
                .should()
                .resideInAnyPackage(familyPackages())
                .check(classes);
    }

    @Test
    void sourceFamiliesMeetOnlyInTheSharedFormats() {
        slices().assignedFrom(
                        new SliceAssignment() {
                            @Override
                            public SliceIdentifier getIdentifierOf(JavaClass c) {
                                for (String family : FAMILIES) {
                                    String p = DECODE + "." + family;
                                    if (c.getPackageName().equals(p)
                                            || c.getPackageName().startsWith(p + ".")) {
                                        return SliceIdentifier.of(family);
                                    }
                                }
                                return SliceIdentifier.ignore();
                            }

                            @Override
                            public String getDescription() {
                                return "the decoders' source families";
                            }
                        })
                .should()
                .notDependOnEachOther()
                .because("what two families share belongs in decode.format or decode.core")
                .check(classes);
        // Nor do they reach up to the decode stage (the registry, RecordDecoder) that picks them.
        noClasses()
                .that()
                .resideInAnyPackage(familyPackages())
                .should()
                .dependOnClassesThat()
                .resideInAPackage(DECODE)
                .check(classes);
    }

    @Test
    void formatsAndTheDecoderCoreKnowNoSourceFamily() {
        noClasses()
                .that()
                .resideInAnyPackage(DECODE + ".core..", DECODE + ".format..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(familyPackages(), DECODE))
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(DECODE + ".core..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(DECODE + ".format..")
                .check(classes);
    }

    private static String[] familyPackages() {
        return FAMILIES.stream().map(f -> DECODE + "." + f + "..").toArray(String[]::new);
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    /**
     * Depends on no concrete class that implements {@link Decoder} but itself (and its nested
     * classes): abstract bases such as {@code TextDecoder}, which hold the preamble every decoder
     * shares, are allowed.
     */
    private static ArchCondition<JavaClass> dependOnNoOtherDecoder() {
        return new ArchCondition<>("depend on no other decoder") {
            @Override
            public void check(JavaClass decoder, ConditionEvents events) {
                for (Dependency d : decoder.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass();
                    boolean concreteDecoder =
                            target.isAssignableTo(Decoder.class)
                                    && !target.isInterface()
                                    && !target.getModifiers().contains(JavaModifier.ABSTRACT);
                    boolean self =
                            target.equals(decoder)
                                    || target.getName().startsWith(decoder.getName() + "$");
                    if (concreteDecoder && !self) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }
}
