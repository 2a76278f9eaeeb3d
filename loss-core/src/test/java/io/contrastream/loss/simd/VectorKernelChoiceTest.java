package io.contrastream.loss.simd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The run-time choice follows the JVM: vector kernels exactly when {@code jdk.incubator.vector} is
 * in the boot layer (and not switched off). Surefire runs this test twice, with and without {@code
 * --add-modules jdk.incubator.vector} (see loss-core's pom), so both branches are taken.
 */
class VectorKernelChoiceTest {

    @Test
    void vectorKernelsAreChosenExactlyWhenTheModuleIsPresent() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean enabled =
                Boolean.parseBoolean(System.getProperty(VectorKernels.ENABLE_PROPERTY, "true"));
        // Every machine this project builds on has AVX2 or wider (checked in PLATFORM.md).
        assertThat(VectorKernels.best() != null)
                .as(VectorKernels.describe())
                .isEqualTo(module && enabled);
        assertThat(VectorKernels.describe()).startsWith(module && enabled ? "vector" : "scalar");
        System.out.println("kernels: " + VectorKernels.describe());
    }
}
