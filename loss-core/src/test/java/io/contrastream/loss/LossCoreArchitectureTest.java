package io.contrastream.loss;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * loss-core is plain Java: its classes use the JDK and each other, nothing else, and no Flink class
 * is even on its classpath. Both checks fail the build if a Flink (or any) dependency creeps in.
 */
class LossCoreArchitectureTest {

    @Test
    void lossCoreDependsOnNothingButTheJdk() {
        JavaClasses imported =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.contrastream.loss");
        classes()
                .that()
                .resideInAPackage("io.contrastream.loss..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.contrastream.loss..", "java..", "jdk.incubator.vector..")
                .because(
                        "the math knows nothing of Flink (CONVENTIONS.md, rule 1); the JDK's"
                                + " incubating Vector API is allowed, and only in the simd package")
                .check(imported);
    }

    @Test
    void onlyTheSimdPackageTouchesTheVectorApi() {
        JavaClasses imported =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.contrastream.loss");
        // Elsewhere a reference would fail to link in a JVM started without the module.
        noClasses()
                .that()
                .resideOutsideOfPackage("io.contrastream.loss.simd")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("jdk.incubator.vector..")
                .check(imported);
    }

    @Test
    void noFlinkClassIsOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("org.apache.flink.api.common.functions.Function"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(
                        () ->
                                Class.forName(
                                        "org.apache.flink.streaming.api.environment"
                                                + ".StreamExecutionEnvironment"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
