package dev.vapostream.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.vapostream.schemas.stage.Stage;
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

    @Test
    void onlyTheVapoMainEndsTheJvm() {
        // Every stage runs inside vapo train too, where ending the JVM would take the other stages down.
        noClasses().that().doNotHaveFullyQualifiedName(Vapo.class.getName())
            .should().callMethod(System.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "halt", int.class).check(classes);
    }

    @Test
    void everyStageAppOpensAStage() {
        classes().that().haveSimpleNameEndingWith("App").and().resideInAnyPackage(STAGES)
            .should().haveModifier(JavaModifier.FINAL)
            .andShould(declareAnOpenMethodReturningAStage()).check(classes);
    }

    @Test
    void unitTestsNeedNoLiveBrokerOrRegistry() {
        // *Test classes run in the quick phase; what talks to a broker or a registry is an *IT.
        noClasses().that().haveSimpleNameEndingWith("Test")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.vapostream.infra.testing.SharedCluster")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.vapostream.infra.ClusterEndpoints")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.vapostream.infra.LocalCluster")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.vapostream.infra.EmbeddedKafkaBroker")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.vapostream.infra.SchemaRegistryServer")
            .check(testClassesOfEveryModule());
    }

    /** Every module's compiled tests; the reactor has compiled them before the cli module's tests run. */
    private static JavaClasses testClassesOfEveryModule() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> dirs = List.of("infra", "schemas", "answer", "model", "scorer-api", "scorer", "generator",
                "advantage-stream", "learner", "cli").stream()
            .map(module -> root.resolve(module).resolve("target").resolve("test-classes")).filter(Files::isDirectory).toList();
        if (dirs.size() < 8) {
            throw new IllegalStateException("expected the modules' test classes under " + root + ", found " + dirs
                + "; run the whole reactor (./mvnw verify), not -pl cli alone");
        }
        return new ClassFileImporter().importPaths(dirs);
    }

    private static ArchCondition<JavaClass> declareAnOpenMethodReturningAStage() {
        return new ArchCondition<>("declare a static open(...) or stage(...) returning a Stage") {
            @Override
            public void check(JavaClass app, ConditionEvents events) {
                boolean found = app.getMethods().stream().anyMatch(m -> (m.getName().equals("open") || m.getName().equals("stage"))
                    && m.getModifiers().contains(JavaModifier.STATIC) && m.getRawReturnType().isAssignableTo(Stage.class));
                if (!found) {
                    events.add(SimpleConditionEvent.violated(app, app.getName() + " has no static open/stage returning a Stage"));
                }
            }
        };
    }
}
