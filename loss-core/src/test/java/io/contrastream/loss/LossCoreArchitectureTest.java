package io.contrastream.loss;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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
                .resideInAnyPackage("io.contrastream.loss..", "java..")
                .because("the math knows nothing of Flink (CONVENTIONS.md, rule 1)")
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
