package io.contrastream.loss.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SGD and Adam with the vector kernels against the same rules on their plain loops, over 200 steps
 * of a 100,000-parameter model (784 -> 128 linear has 100,480): parameters and state must be
 * bit-identical after every step.
 */
class VectorOptimizerTest {

    private static void compare(Optimizer vector, Optimizer plain, double learningRate) {
        int n = 100_003;
        SplittableRandom random = new SplittableRandom(9);
        float[] pv = new float[n];
        for (int i = 0; i < n; i++) {
            pv[i] = (float) random.nextGaussian();
        }
        float[] pp = pv.clone();
        float[] sv = new float[vector.stateSize(n)];
        float[] sp = new float[plain.stateSize(n)];
        float[] g = new float[n];
        for (int t = 1; t <= 200; t++) {
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * (i % 7 == 0 ? 0 : 1e-2));
            }
            vector.step(pv, g, sv, t, learningRate);
            plain.step(pp, g, sp, t, learningRate);
            assertThat(pv).as("parameters after step " + t).isEqualTo(pp);
            assertThat(sv).as("state after step " + t).isEqualTo(sp);
        }
    }

    @Test
    void vectorSgdEqualsPlainSgd() {
        VectorKernels v = VectorKernels.best();
        assertThat(v).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
        compare(new Sgd(0, v), new Sgd(0, null), 0.01);
        compare(new Sgd(1e-2, v), new Sgd(1e-2, null), 0.01);
    }

    @Test
    void vectorAdamEqualsPlainAdam() {
        VectorKernels v = VectorKernels.best();
        assertThat(v).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
        compare(new Adam(0.9, 0.999, 1e-8f, 0, v), new Adam(0.9, 0.999, 1e-8f, 0, null), 1e-3);
        compare(new Adam(0.8, 0.99, 1e-6f, 1e-2, v), new Adam(0.8, 0.99, 1e-6f, 1e-2, null), 0.1);
    }
}
