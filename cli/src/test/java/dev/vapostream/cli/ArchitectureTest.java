package dev.vapostream.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries as rules over the compiled production classes of every module: three
 * floors (infra, schemas and the answer contract; model; the four stages), nothing pointing back
 * up, and the pure kernels free of Kafka.
 */
class ArchitectureTest {
    private static final String[] STAGES = {"dev.vapostream.generator..", "dev.vapostream.scorer..",
        "dev.vapostream.advantage..", "dev.vapostream.learner.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vapostream");
    }

    @Test
    void stagesNeverImportEachOther() {
        slices().matching("dev.vapostream.(generator|scorer|advantage|learner)..").should().notDependOnEachOther()
            .check(classes);
    }

    @Test
    void onlyTheCliImportsTheStagesOrTheCli() {
        noClasses().that().resideInAnyPackage("dev.vapostream.infra..", "dev.vapostream.schemas..", "dev.vapostream.model..")
            .should().dependOnClassesThat().resideInAnyPackage(STAGES).check(classes);
        noClasses().that().resideOutsideOfPackage("dev.vapostream.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.vapostream.cli..").check(classes);
    }

    @Test
    void theWireContractAndTheModelDoNotImportEachOther() {
        noClasses().that().resideInAPackage("dev.vapostream.model..")
            .should().dependOnClassesThat().resideInAPackage("dev.vapostream.schemas..").check(classes);
        noClasses().that().resideInAPackage("dev.vapostream.schemas..")
            .should().dependOnClassesThat().resideInAPackage("dev.vapostream.model..").check(classes);
    }

    @Test
    void onlyTheCliPretrainsTheStagesUseTheNetworkTaskTrainingAndEvaluation() {
        noClasses().that().resideInAnyPackage(STAGES)
            .should().dependOnClassesThat().resideInAPackage("dev.vapostream.model.pretrain..").check(classes);
    }

    @Test
    void theAnswerContractStandsAlone() {
        classes().that().resideInAPackage("dev.vapostream.answer..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.vapostream.answer..", "java..").check(classes);
    }

    @Test
    void kernelsImportNoKafka() {
        noClasses().that().resideInAnyPackage("dev.vapostream.advantage.kernel..", "dev.vapostream.learner.algo..",
                "dev.vapostream.model..", "dev.vapostream.generator.sampling..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..").check(classes);
    }
}
