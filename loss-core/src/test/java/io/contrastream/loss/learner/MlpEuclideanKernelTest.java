package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused MLP kernel ({@link MlpEuclideanKernel}): its gradient against finite differences of a
 * double-precision forward written here from the definition, and its vector form (with the first
 * layer in panels, updated lazily) against its plain loops, bit for bit.
 */
class MlpEuclideanKernelTest {

    private static final double EPS = 1e-12;

    private static float[] vector(SplittableRandom random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    /** {@code f(x1) - f(x2)} in double from the parameters, layout of {@code MlpEncoder}. */
    private static double[] embeddingDifference(
            double[] p, float[] x1, float[] x2, int in, int h, int out) {
        double[] e = new double[out];
        double[][] hidden = new double[2][h];
        float[][] xs = {x1, x2};
        for (int side = 0; side < 2; side++) {
            for (int j = 0; j < h; j++) {
                double pre = p[h * in + j];
                for (int i = 0; i < in; i++) {
                    pre += p[j * in + i] * xs[side][i];
                }
                hidden[side][j] = Math.max(pre, 0.0);
            }
        }
        int w2 = h * in + h;
        for (int o = 0; o < out; o++) {
            double f1 = p[w2 + out * h + o];
            double f2 = f1;
            for (int j = 0; j < h; j++) {
                f1 += p[w2 + o * h + j] * hidden[0][j];
                f2 += p[w2 + o * h + j] * hidden[1][j];
            }
            e[o] = f1 - f2;
        }
        return e;
    }

    private static double referenceLoss(
            ContrastiveLoss loss,
            PairLabel label,
            double[] p,
            float[] x1,
            float[] x2,
            int in,
            int h,
            int out) {
        double sum = 0;
        for (double e : embeddingDifference(p, x1, x2, in, h, out)) {
            sum += e * e;
        }
        return loss.loss(label, Math.sqrt(sum + EPS));
    }

    /**
     * For DIFFERENT pairs inside the margin and SAME pairs, the gradient's norm {@code |c| sqrt(G)}
     * and the SGD step {@code -lr g} match central differences of the loss in double, and {@code
     * b2} does not move (its gradient is exactly 0).
     */
    @Test
    void theGradientMatchesFiniteDifferencesOfTheDefinition() {
        int in = 5;
        int h = 7;
        int out = 3;
        ContrastiveLoss loss = ContrastiveLoss.euclidean(4.0, 0.0);
        SplittableRandom random = new SplittableRandom(21);
        int checked = 0;
        for (int trial = 0; trial < 40; trial++) {
            float[] params = vector(random, h * in + h + out * h + out, 0.5);
            float[] x1 = vector(random, in, 1.0);
            float[] x2 = vector(random, in, 1.0);
            PairLabel label = trial % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT;
            MlpEuclideanKernel kernel = new MlpEuclideanKernel(in, h, out, EPS, null);
            double d = kernel.distance(params, x1, x2);
            double c = loss.derivative(label, d) / d;
            if (c == 0) {
                continue; // a DIFFERENT pair beyond the margin: nothing to learn
            }
            double norm = Math.abs(c) * kernel.backward(params, x1, x2).norm;

            double[] p = new double[params.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = params[i];
            }
            double[] gradient = new double[p.length];
            double squared = 0;
            double largest = 0;
            for (int i = 0; i < p.length; i++) {
                double step = 1e-6 * Math.max(1.0, Math.abs(p[i]));
                double keep = p[i];
                p[i] = keep + step;
                double up = referenceLoss(loss, label, p, x1, x2, in, h, out);
                p[i] = keep - step;
                double down = referenceLoss(loss, label, p, x1, x2, in, h, out);
                p[i] = keep;
                gradient[i] = (up - down) / (2 * step);
                squared += gradient[i] * gradient[i];
                largest = Math.max(largest, Math.abs(gradient[i]));
            }
            assertThat(norm)
                    .as("gradient norm, trial " + trial)
                    .isCloseTo(
                            Math.sqrt(squared),
                            org.assertj.core.data.Offset.offset(1e-6 * Math.sqrt(squared) + 1e-9));

            double rate = 1e-2;
            float[] stepped = params.clone();
            kernel.sgdToRows(stepped, rate * c, x1, x2);
            for (int i = 0; i < p.length; i++) {
                double moved = (stepped[i] - params[i]) / -rate;
                // The step is rounded into a float weight (twice, for W1): a few of its ulps.
                double slack = 4 * Math.ulp((float) (Math.abs(params[i]) + rate * largest)) / rate;
                assertThat(Math.abs(moved - gradient[i]))
                        .as("parameter " + i + ", trial " + trial)
                        .isLessThanOrEqualTo(1e-5 * largest + slack);
            }
            int b2 = h * in + h + out * h;
            for (int o = 0; o < out; o++) {
                assertThat(stepped[b2 + o]).isEqualTo(params[b2 + o]);
            }
            checked++;
        }
        assertThat(checked).as("pairs with a gradient").isGreaterThan(20);
    }

    /**
     * The vector kernels ({@code W1} in panels with its update deferred to the next pair's pass)
     * and the plain loops give the same bits: distances, gradient norms and step bounds pair by
     * pair, and the parameters whenever the vector kernel is flushed (at random points, after which
     * it goes on from its panels). A hidden width that is not a multiple of 16 exercises the
     * padding rows; input widths of 24 and 40, the chains' single columns.
     */
    @Test
    void theVectorFormEqualsThePlainLoopsBitForBit() {
        VectorKernels kernels = VectorKernels.best();
        assertThat(kernels).as("the vector kernels (jdk.incubator.vector)").isNotNull();
        int[][] shapes = {{64, 48, 32}, {64, 40, 8}, {24, 20, 6}, {40, 32, 4}};
        for (int[] shape : shapes) {
            int in = shape[0];
            int h = shape[1];
            int out = shape[2];
            String what = in + " -> " + h + " -> " + out;
            SplittableRandom random = new SplittableRandom(in * 31 + h);
            float[] plainParams = vector(random, h * in + h + out * h + out, 0.2);
            float[] vectorParams = plainParams.clone();
            MlpEuclideanKernel plain = new MlpEuclideanKernel(in, h, out, EPS, null);
            MlpEuclideanKernel fast = new MlpEuclideanKernel(in, h, out, EPS, kernels);
            assertThat(fast.panelled()).as(what + " in panels").isTrue();
            int deferred = 0;
            for (int n = 0; n < 400; n++) {
                float[] x1 = vector(random, in, 1.0);
                float[] x2 = vector(random, in, 1.0);
                double d = plain.distance(plainParams, x1, x2);
                assertThat(fast.distance(vectorParams, x1, x2))
                        .as(what + " distance " + n)
                        .isEqualTo(d);
                MlpEuclideanKernel.Backward p = plain.backward(plainParams, x1, x2);
                double plainNorm = p.norm;
                double plainStep = p.step;
                MlpEuclideanKernel.Backward v = fast.backward(vectorParams, x1, x2);
                assertThat(v.norm).as(what + " norm " + n).isEqualTo(plainNorm);
                assertThat(v.step).as(what + " step bound " + n).isEqualTo(plainStep);
                double k = 1e-2 * (n % 3 == 0 ? -1 : 1) / d;
                plain.sgd(plainParams, k, x1, x2);
                fast.sgd(vectorParams, k, x1, x2);
                deferred += fast.pending() ? 1 : 0;
                if (random.nextInt(25) == 0) {
                    fast.flush(vectorParams);
                    assertThat(vectorParams)
                            .as(what + " parameters after " + n)
                            .isEqualTo(plainParams);
                }
            }
            fast.flush(vectorParams);
            assertThat(vectorParams).as(what + " parameters").isEqualTo(plainParams);
            assertThat(plain.pending()).isFalse();
            assertThat(deferred)
                    .as(what + " deferred updates")
                    .isEqualTo(fast.panelled() ? 400 : 0);
        }
    }

    /**
     * The first layer sums as chains up to the size kept in panels and as {@code fmaDot} beyond, a
     * rule on the shape alone; beyond it (a 1024 -> 1040 layer, 4.2 MB) the vector kernels'
     * row-major {@code fmaDot} pass and the plain loops still give the same bits.
     */
    @Test
    void aFirstLayerTooLargeForPanelsSumsByFmaDotOnBothForms() {
        assertThat(MlpEuclideanKernel.chainsFirstLayer(256, 64)).isTrue();
        assertThat(MlpEuclideanKernel.chainsFirstLayer(1024, 1024)).isTrue();
        assertThat(MlpEuclideanKernel.chainsFirstLayer(1009, 1024)).as("1024 rows padded").isTrue();
        assertThat(MlpEuclideanKernel.chainsFirstLayer(1025, 1024))
                .as("1040 rows padded")
                .isFalse();
        int in = 1024;
        int h = 1040;
        int out = 4;
        SplittableRandom random = new SplittableRandom(23);
        float[] plainParams = vector(random, h * in + h + out * h + out, 0.05);
        float[] vectorParams = plainParams.clone();
        MlpEuclideanKernel plain = new MlpEuclideanKernel(in, h, out, EPS, null);
        MlpEuclideanKernel fast = new MlpEuclideanKernel(in, h, out, EPS, VectorKernels.best());
        assertThat(fast.panelled()).isFalse();
        for (int n = 0; n < 6; n++) {
            float[] x1 = vector(random, in, 1.0);
            float[] x2 = vector(random, in, 1.0);
            double d = plain.distance(plainParams, x1, x2);
            assertThat(fast.distance(vectorParams, x1, x2)).as("distance " + n).isEqualTo(d);
            assertThat(fast.backward(vectorParams, x1, x2).norm)
                    .as("norm " + n)
                    .isEqualTo(plain.backward(plainParams, x1, x2).norm);
            plain.sgd(plainParams, 1e-2 / d, x1, x2);
            fast.sgd(vectorParams, 1e-2 / d, x1, x2);
            assertThat(vectorParams).as("parameters after " + n).isEqualTo(plainParams);
        }
    }

    @Test
    void writingTheWeightsWhileTheyLagThePanelCopyIsRefused() {
        VectorKernels kernels = VectorKernels.best();
        SplittableRandom random = new SplittableRandom(9);
        float[] params = vector(random, 64 * 16 + 16 + 4 * 16 + 4, 0.2);
        MlpEuclideanKernel kernel = new MlpEuclideanKernel(64, 16, 4, EPS, kernels);
        assertThat(kernel.panelled()).isTrue();
        float[] x1 = vector(random, 64, 1.0);
        float[] x2 = vector(random, 64, 1.0);
        kernel.distance(params, x1, x2);
        kernel.backward(params, x1, x2);
        kernel.sgd(params, 0.01, x1, x2);
        assertThatThrownBy(() -> kernel.sgd(params, 0.01, x1, x2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already pending");
        assertThatThrownBy(kernel::invalidate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flush");
        assertThatThrownBy(() -> kernel.sgdToRows(params, 0.01, x1, x2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flush");
        kernel.flush(params);
        kernel.invalidate();
        kernel.sgdToRows(params, 0.01, x1, x2);
    }
}
