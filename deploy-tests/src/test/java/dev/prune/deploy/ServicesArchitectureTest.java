package dev.prune.deploy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services stay thin: consume, call shared-model, store, emit, measure. None of their classes touches DL4J, ND4J
 * or JavaCPP itself; all machine learning is shared-model's. Reads the services' compiled classes, which the reactor
 * builds before this module.
 */
class ServicesArchitectureTest {
    private static final List<String> SERVICES = List.of("ranker-service", "surgeon-service", "trainer-service",
            "evaluator-service");

    @Test
    void noServiceDoesMachineLearningItself() {
        ClassFileImporter importer = new ClassFileImporter();
        Path root = DeployFiles.root();
        List<Path> classes = SERVICES.stream().map(s -> root.resolve(s).resolve("target/classes")).toList();
        for (Path folder : classes) {
            assertTrue(Files.isDirectory(folder.resolve("dev/prune")), folder + " is missing: build the services first "
                    + "(./mvnw -B verify builds them before deploy-tests)");
        }
        JavaClasses services = importer.importPaths(classes);
        noClasses().that().resideInAnyPackage("dev.prune.ranker..", "dev.prune.surgeon..", "dev.prune.trainer..",
                        "dev.prune.evaluator..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..", "org.bytedeco..")
                .because("the services are thin; all machine learning lives in shared-model")
                .allowEmptyShould(false)
                .check(services);
    }
}
