package org.socengine.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled classes so that it stays true: no
 * package cycle anywhere, and each layer depends only on the layers below it. Maven already refuses
 * module cycles; these rules hold inside the modules, where nothing else would notice.
 */
class ArchitectureTest {

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
}
