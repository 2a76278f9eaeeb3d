package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.simd.VectorKernels;
import java.util.Arrays;
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
            assertThat(vector.deltaMax()).isEqualTo(plain.deltaMax());
            double dv = vector.distance(wv);
            double dp = plain.distance(wp);
            assertThat(Double.doubleToLongBits(dv))
                    .as(in + "->" + out + " distance at step " + step)
                    .isEqualTo(Double.doubleToLongBits(dp));
            assertThat(vector.diff).isEqualTo(plain.diff);
            assertThat(vector.diffMax()).isEqualTo(plain.diffMax());
            double k = -1e-3 * random.nextGaussian();
            vector.writeGradient(gv, k);
            plain.writeGradient(gp, k);
            assertThat(gv).isEqualTo(gp);
            // Two of three updates are deferred to the next distance, one is applied at once.
            if (step % 3 == 0) {
                vector.applySgd(wv, k);
                plain.applySgd(wp, k);
            } else {
                vector.deferSgd(k);
                plain.deferSgd(k);
            }
            assertThat(vector.pending()).isEqualTo(plain.pending());
            assertThat(wv).as(in + "->" + out + " weights after step " + step).isEqualTo(wp);
        }
        vector.flush(wv);
        plain.flush(wp);
        assertThat(wv).as(in + "->" + out + " weights after the last flush").isEqualTo(wp);
    }

    /**
     * A deferred update, applied in the next pair's pass over {@code W}, gives the same distances
     * and weights, bit for bit, as the same update applied at once; on the vector kernels and on
     * the plain loops.
     */
    private static void deferredEqualsImmediate(int in, int out, VectorKernels kernels) {
        LinearEuclideanKernel lazy = new LinearEuclideanKernel(in, out, 1e-8, kernels);
        LinearEuclideanKernel eager = new LinearEuclideanKernel(in, out, 1e-8, kernels);
        SplittableRandom random = new SplittableRandom(in * 7L + out);
        float[] wl = new float[out * in + out];
        for (int i = 0; i < wl.length; i++) {
            wl[i] = (float) (random.nextGaussian() / Math.sqrt(in));
        }
        float[] we = wl.clone();
        float[] x1 = new float[in];
        float[] x2 = new float[in];
        for (int step = 0; step < 200; step++) {
            for (int i = 0; i < in; i++) {
                x1[i] = (float) random.nextGaussian();
                x2[i] = (float) random.nextGaussian();
            }
            lazy.prepare(x1, x2);
            eager.prepare(x1, x2);
            double dl = lazy.distance(wl);
            double de = eager.distance(we);
            assertThat(Double.doubleToLongBits(dl))
                    .as("distance at step " + step)
                    .isEqualTo(Double.doubleToLongBits(de));
            assertThat(lazy.diff).isEqualTo(eager.diff);
            assertThat(wl).as("weights before the update of step " + step).isEqualTo(we);
            double k = 1e-2 * random.nextGaussian();
            lazy.deferSgd(k);
            eager.applySgd(we, k);
            assertThat(lazy.pending()).isTrue();
            assertThat(eager.pending()).isFalse();
        }
        lazy.flush(wl);
        assertThat(lazy.pending()).isFalse();
        assertThat(wl).isEqualTo(we);
    }

    @Test
    void aDeferredUpdateEqualsTheSameUpdateAppliedAtOnce() {
        for (VectorKernels kernels : new VectorKernels[] {VectorKernels.best(), null}) {
            deferredEqualsImmediate(64, 32, kernels);
            deferredEqualsImmediate(784, 128, kernels);
            deferredEqualsImmediate(37, 5, kernels);
        }
    }

    @Test
    void aSecondDeferralWithoutScoringIsRefused() {
        LinearEuclideanKernel kernel = new LinearEuclideanKernel(4, 2, 1e-8, null);
        kernel.prepare(new float[] {1, 2, 3, 4}, new float[4]);
        kernel.distance(new float[10]);
        kernel.deferSgd(0.1);
        assertThatThrownBy(() -> kernel.deferSgd(0.1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already pending");
    }

    /**
     * The working copy in panels against the plain row-major loops: 300 pairs of deferred SGD, with
     * every fifth pair's update applied at once to the row-major array (which makes the copy out of
     * date and the next distance copy it in again) and the weights written back and compared every
     * seventh pair; distances, {@code e} and weights bit-identical throughout.
     */
    private static void panelCopyEqualsPlain(int in, int out) {
        VectorKernels v = VectorKernels.best();
        assertThat(v).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
        assertThat(v.panelRows()).as("AVX-512: sixteen float lanes").isEqualTo(16);
        LinearEuclideanKernel panels = new LinearEuclideanKernel(in, out, 1e-8, v, true);
        LinearEuclideanKernel plain = new LinearEuclideanKernel(in, out, 1e-8, null);
        assertThat(panels.panelled()).isTrue();
        SplittableRandom random = new SplittableRandom(in * 13L + out);
        float[] wc = new float[out * in + out];
        for (int i = 0; i < wc.length; i++) {
            wc[i] = (float) (random.nextGaussian() / Math.sqrt(in));
        }
        float[] wp = wc.clone();
        float[] x1 = new float[in];
        float[] x2 = new float[in];
        int stale = 0;
        for (int step = 0; step < 300; step++) {
            for (int i = 0; i < in; i++) {
                x1[i] = (float) random.nextGaussian();
                x2[i] = (float) random.nextGaussian();
            }
            panels.prepare(x1, x2);
            plain.prepare(x1, x2);
            double dc = panels.distance(wc);
            double dp = plain.distance(wp);
            assertThat(Double.doubleToLongBits(dc))
                    .as(in + "->" + out + " distance at step " + step)
                    .isEqualTo(Double.doubleToLongBits(dp));
            assertThat(Arrays.copyOf(panels.diff, out)).isEqualTo(plain.diff);
            if (!Arrays.equals(wc, wp)) {
                stale++;
            }
            double k = -1e-2 * random.nextGaussian();
            if (step % 5 == 0) {
                panels.flush(wc);
                panels.applySgd(wc, k);
                plain.applySgd(wp, k);
            } else {
                panels.deferSgd(k);
                plain.deferSgd(k);
            }
            if (step % 7 == 0) {
                panels.flush(wc);
                plain.flush(wp);
                assertThat(wc).as(in + "->" + out + " weights after step " + step).isEqualTo(wp);
            }
        }
        panels.flush(wc);
        plain.flush(wp);
        assertThat(wc).as(in + "->" + out + " weights after the last flush").isEqualTo(wp);
        // The caller's array did lag the copy between flushes: the copy was the model.
        assertThat(stale).isGreaterThan(100);
    }

    @Test
    void panelCopyEqualsThePlainRowMajorLoops() {
        panelCopyEqualsPlain(64, 32);
        panelCopyEqualsPlain(128, 64);
        panelCopyEqualsPlain(100, 40);
        panelCopyEqualsPlain(37, 5);
        panelCopyEqualsPlain(3, 2);
        panelCopyEqualsPlain(20, 17);
        panelCopyEqualsPlain(784, 128);
    }

    @Test
    void onlyAMatrixThatFitsTheLimitIsKeptInPanels() {
        VectorKernels v = VectorKernels.best();
        assertThat(new LinearEuclideanKernel(784, 128, 1e-8, v, true).panelled()).isTrue();
        int fit = (int) (Panels.LIMIT / 64);
        assertThat(new LinearEuclideanKernel(fit, 64, 1e-8, v, true).panelled()).isTrue();
        // One column more than fits at 64 rows: over the limit.
        assertThat(new LinearEuclideanKernel(fit + 1, 64, 1e-8, v, true).panelled()).isFalse();
        // 60 rows are padded to 64: within the limit unpadded, over it padded.
        assertThat((fit + 1) * 60L).isLessThanOrEqualTo(Panels.LIMIT);
        assertThat(new LinearEuclideanKernel(fit + 1, 60, 1e-8, v, true).panelled()).isFalse();
        assertThat(new LinearEuclideanKernel(64, 32, 1e-8, v, false).panelled()).isFalse();
        assertThat(new LinearEuclideanKernel(64, 32, 1e-8, null, true).panelled()).isFalse();
    }

    @Test
    void writingTheWeightsWhileTheyLagThePanelCopyIsRefused() {
        LinearEuclideanKernel kernel =
                new LinearEuclideanKernel(16, 16, 1e-8, VectorKernels.best(), true);
        assertThat(kernel.panelled()).as("tests run on AVX-512 with the vector module").isTrue();
        float[] w = new float[16 * 16 + 16];
        Arrays.fill(w, 0.25f);
        float[] x = new float[16];
        x[0] = 1;
        kernel.prepare(x, new float[16]);
        kernel.distance(w);
        kernel.deferSgd(0.1);
        kernel.prepare(new float[16], x);
        kernel.distance(w);
        assertThatThrownBy(kernel::invalidate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flush");
        assertThatThrownBy(() -> kernel.applySgd(w, 0.1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flush first");
        assertThat(w[0]).as("the update is in the copy only").isEqualTo(0.25f);
        kernel.flush(w);
        assertThat(w[0]).as("written back").isNotEqualTo(0.25f);
        kernel.invalidate();
    }

    @Test
    void vectorFusedKernelEqualsThePlainOne() {
        compare(64, 32);
        compare(784, 128);
        compare(37, 5);
        compare(3, 2);
    }
}
