package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused linear Euclidean kernel with the vector kernels against the same kernel on its plain
 * loops: for 300 steps of SGD at each size, {@code delta}, its norm and maximum, {@code e = W
 * delta}, the distance, the SGD-updated weights and the written gradient must be bit-identical.
 */
class VectorFusedKernelTest {

    private static void compare(int in, int out) {
        VectorKernels v = VectorKernels.best();
        assertThat(v).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
        LinearEuclideanKernel vector = new LinearEuclideanKernel(in, out, 1e-8, v);
        LinearEuclideanKernel plain = new LinearEuclideanKernel(in, out, 1e-8, null);
        SplittableRandom random = new SplittableRandom(in * 31L + out);
        float[] wv = new float[out * in + out];
        for (int i = 0; i < wv.length; i++) {
            wv[i] = (float) (random.nextGaussian() / Math.sqrt(in));
        }
        float[] wp = wv.clone();
        float[] gv = new float[wv.length];
        float[] gp = new float[wv.length];
        float[] x1 = new float[in];
        float[] x2 = new float[in];
        for (int step = 0; step < 300; step++) {
            for (int i = 0; i < in; i++) {
                x1[i] = (float) random.nextGaussian();
                x2[i] = (float) random.nextGaussian();
            }
            assertThat(vector.prepare(x1, x2)).isEqualTo(plain.prepare(x1, x2));
            assertThat(vector.delta).isEqualTo(plain.delta);
            assertThat(vector.deltaNorm).isEqualTo(plain.deltaNorm);
            assertThat(vector.deltaMax).isEqualTo(plain.deltaMax);
            double dv = vector.distance(wv);
            double dp = plain.distance(wp);
            assertThat(Double.doubleToLongBits(dv))
                    .as(in + "->" + out + " distance at step " + step)
                    .isEqualTo(Double.doubleToLongBits(dp));
            assertThat(vector.diff).isEqualTo(plain.diff);
            double k = -1e-3 * random.nextGaussian();
            vector.writeGradient(gv, k);
            plain.writeGradient(gp, k);
            assertThat(gv).isEqualTo(gp);
            vector.applySgd(wv, k);
            plain.applySgd(wp, k);
            assertThat(wv).as(in + "->" + out + " weights after step " + step).isEqualTo(wp);
        }
    }

    @Test
    void vectorFusedKernelEqualsThePlainOne() {
        compare(64, 32);
        compare(784, 128);
        compare(37, 5);
        compare(3, 2);
    }
}
