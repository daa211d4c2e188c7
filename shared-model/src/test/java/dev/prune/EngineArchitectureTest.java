package dev.prune;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's shape, kept by a test: shared-model's packages depend on each other without cycles (each package
 * on its own, as {@code jdeps -verbose:package} sees them, and each top-level package with its sub-packages), and
 * nothing in it uses a service framework or a message broker, so it can be used and tested alone (DESIGN.md).
 */
class EngineArchitectureTest {
    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.prune");
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.prune.(**)")
                .should().beFreeOfCycles()
                .because("each package builds on the ones below it only: net, onednn and arrays at the bottom, "
                        + "then speedup, graph, infer, measure, rank, surgery, train, pipeline (README.md)")
                .check(engine);
    }

    @Test
    void noCyclesBetweenTopLevelPackages() {
        slices().matching("dev.prune.(*)..")
                .should().beFreeOfCycles()
                .check(engine);
    }

    @Test
    void noServiceFrameworkAndNoBroker() {
        noClasses().that().resideInAPackage("dev.prune..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "org.apache.kafka..", "io.smallrye..", "jakarta.enterprise..",
                        "org.eclipse.microprofile..")
                .because("shared-model is the engine without framework: the services wire it (DESIGN.md)")
                .check(engine);
    }
}
