package dev.prune.service;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The services' shared wiring holds no ML code: it consumes, calls shared-model's stages, stores and emits,
 * and never touches DL4J or ND4J itself (DESIGN.md: the services are thin).
 */
class ServiceWiringArchitectureTest {

    @Test
    void noDeepLearningCodeInTheServiceWiring() {
        JavaClasses wiring = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.prune.service");
        noClasses().that().resideInAPackage("dev.prune.service..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..")
                .because("networks are built, run and changed in shared-model only")
                .check(wiring);
    }
}
