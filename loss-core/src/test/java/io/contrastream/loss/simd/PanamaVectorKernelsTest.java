package io.contrastream.loss.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each vector kernel against the plain Java loop it replaces, written out here as the reference:
 * the results must be bit-identical (compared through {@link Float#floatToIntBits} and {@link
 * Double#doubleToLongBits}), not merely close, for every length from 0 to 100 (all tails of 4-, 8-
 * and 16-lane loops), 784, and offsets into longer arrays. Values mix signs, zeros of both signs
 * and magnitudes from 1e-30 to 1e30, so rounding happens in every operation.
 */
class PanamaVectorKernelsTest {

    private static VectorKernels vector;

    @BeforeAll
    static void vectorKernels() {
        vector = VectorKernels.best();
        assertThat(vector).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
    }

    private static int[] lengths() {
        int[] n = new int[103];
        for (int i = 0; i <= 100; i++) {
            n[i] = i;
        }
        n[101] = 784;
        n[102] = 1000;
        return n;
    }

    private static float value(SplittableRandom random) {
        switch (random.nextInt(10)) {
            case 0:
                return 0f;
            case 1:
                return -0f;
            case 2:
                return (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-30, 31)));
            default:
                return (float) random.nextGaussian();
        }
    }

    private static float[] vector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = value(random);
        }
        return v;
    }

    private static void assertBits(String what, double expected, double actual) {
        assertThat(Double.doubleToLongBits(actual))
                .as("%s: expected %s, got %s", what, expected, actual)
                .isEqualTo(Double.doubleToLongBits(expected));
    }

    private static void assertBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToIntBits(actual[i]))
                    .as("%s[%d]: expected %s, got %s", what, i, expected[i], actual[i])
                    .isEqualTo(Float.floatToIntBits(expected[i]));
        }
    }

    /**
     * The specification of {@code fmaDot}, written out: sixteen fused-multiply-add lanes, the tree
     * spelled as one expression, the tail apart.
     */
    private static float referenceFmaDot(float[] w, int offset, float[] x, int n) {
        float[] s = new float[16];
        int bound = n / 16 * 16;
        for (int i = 0; i < bound; i++) {
            s[i % 16] = Math.fma(w[offset + i], x[i], s[i % 16]);
        }
        float t = 0f;
        for (int i = bound; i < n; i++) {
            t = Math.fma(w[offset + i], x[i], t);
        }
        float tree =
                (((s[0] + s[8]) + (s[4] + s[12])) + ((s[2] + s[10]) + (s[6] + s[14])))
                        + (((s[1] + s[9]) + (s[5] + s[13])) + ((s[3] + s[11]) + (s[7] + s[15])));
        return tree + t;
    }

    /** The plain loop of {@code LinearEncoder.dot}: four double accumulators. */
    private static double referenceExactDot(float[] w, int offset, float[] x, int n) {
        double[] s = new double[4];
        int i = 0;
        for (; i + 3 < n; i += 4) {
            for (int k = 0; k < 4; k++) {
                s[k] += (double) w[offset + i + k] * x[i + k];
            }
        }
        for (; i < n; i++) {
            s[0] += (double) w[offset + i] * x[i];
        }
        return (s[0] + s[1]) + (s[2] + s[3]);
    }

    /** The vector kernels of this machine, and the same sums on two eight-lane halves. */
    private static VectorKernels[] bothWidths() {
        return new VectorKernels[] {vector, PanamaVectorKernels.narrow()};
    }

    @Test
    void fmaMatVecAndRank1ThenMatVecEqualTheirRowLoops() {
        SplittableRandom random = new SplittableRandom(6);
        int[] rowCounts = {0, 1, 2, 3, 4, 5, 7, 8, 9, 32, 128};
        int[] widths = {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 24, 32, 63, 64, 65, 784};
        for (VectorKernels kernels : bothWidths()) {
            for (int rows : rowCounts) {
                for (int n : widths) {
                    String what = kernels + " " + rows + "x" + n;
                    float[] w = vector(random, rows * n + 1);
                    float[] x = vector(random, n);
                    float[] u = vector(random, n);
                    float[] a = vector(random, rows);
                    float[] out = new float[rows + 1];
                    float[] expected = new float[rows + 1];
                    for (int o = 0; o < rows; o++) {
                        expected[o] = referenceFmaDot(w, o * n, x, n);
                    }
                    kernels.fmaMatVec(w, 0, rows, x, n, out);
                    assertBits("fmaMatVec " + what, expected, out);

                    float[] updated = w.clone();
                    for (int o = 0; o < rows; o++) {
                        for (int i = 0; i < n; i++) {
                            updated[o * n + i] = Math.fma(a[o], u[i], updated[o * n + i]);
                        }
                        expected[o] = referenceFmaDot(updated, o * n, x, n);
                    }
                    float[] fused = w.clone();
                    kernels.rank1ThenMatVec(fused, 0, rows, n, a, u, x, out);
                    assertBits("rank1ThenMatVec weights " + what, updated, fused);
                    assertBits("rank1ThenMatVec " + what, expected, out);
                    float[] alone = w.clone();
                    kernels.rank1(alone, 0, rows, n, a, u);
                    assertBits("rank1 " + what, updated, alone);
                }
            }
        }
    }

    /**
     * The row kernels on a matrix that starts inside a larger array (an MLP's second layer after
     * its first), and the transposed product against its loop: every element of {@code W^T a} takes
     * the rows in order with one rounding per step. The elements before and after the matrix must
     * come through unchanged.
     */
    @Test
    void rowKernelsAtAnOffsetAndTheTransposedProductEqualTheirLoops() {
        SplittableRandom random = new SplittableRandom(16);
        int[] rowCounts = {0, 1, 2, 5, 16, 32};
        int[] widths = {1, 7, 16, 17, 48, 64, 65, 211, 256, 257};
        for (VectorKernels kernels : bothWidths()) {
            for (int rows : rowCounts) {
                for (int n : widths) {
                    String what = kernels + " " + rows + "x" + n;
                    int offset = 1 + random.nextInt(40);
                    float[] w = vector(random, offset + rows * n + 3);
                    float[] x = vector(random, n);
                    float[] a = vector(random, rows);
                    float[] out = new float[rows];
                    float[] expected = new float[rows];
                    for (int o = 0; o < rows; o++) {
                        expected[o] = referenceFmaDot(w, offset + o * n, x, n);
                    }
                    kernels.fmaMatVec(w, offset, rows, x, n, out);
                    assertBits("fmaMatVec at an offset " + what, expected, out);

                    float[] transposed = new float[n];
                    float[] expectedT = new float[n];
                    for (int i = 0; i < n; i++) {
                        float c = 0f;
                        for (int o = 0; o < rows; o++) {
                            c = Math.fma(a[o], w[offset + o * n + i], c);
                        }
                        expectedT[i] = c;
                    }
                    Arrays.fill(transposed, Float.NaN);
                    kernels.fmaMatTVec(w, offset, rows, n, a, transposed);
                    assertBits("fmaMatTVec " + what, expectedT, transposed);

                    float[] updated = w.clone();
                    for (int o = 0; o < rows; o++) {
                        for (int i = 0; i < n; i++) {
                            int k = offset + o * n + i;
                            updated[k] = Math.fma(a[o], x[i], updated[k]);
                        }
                    }
                    float[] alone = w.clone();
                    kernels.rank1(alone, offset, rows, n, a, x);
                    assertBits("rank1 at an offset " + what, updated, alone);
                    float[] fused = w.clone();
                    float[] after = new float[rows];
                    for (int o = 0; o < rows; o++) {
                        expected[o] = referenceFmaDot(updated, offset + o * n, x, n);
                    }
                    kernels.rank1ThenMatVec(fused, offset, rows, n, a, x, x, after);
                    assertBits("rank1ThenMatVec weights at an offset " + what, updated, fused);
                    assertBits("rank1ThenMatVec at an offset " + what, expected, after);
                }
            }
        }
    }

    /**
     * The panel kernels against the row loops on the same matrix stored row-major: up to three
     * panels, widths with and without a tail, padding rows included.
     */
    @Test
    void panelKernelsEqualTheRowLoopsOnTheSameMatrixInPanels() {
        assertThat(vector.panelRows()).as("AVX-512: sixteen float lanes").isEqualTo(16);
        assertThat(PanamaVectorKernels.narrow().panelRows()).isZero();
        SplittableRandom random = new SplittableRandom(7);
        int[] widths = {0, 1, 3, 15, 16, 17, 31, 32, 33, 64, 65, 784};
        for (int rows : new int[] {16, 32, 48}) {
            for (int n : widths) {
                String what = rows + "x" + n;
                float[] w = vector(random, rows * n);
                float[] wp = toPanels(w, rows, n);
                float[] x = vector(random, n);
                float[] u = vector(random, n);
                float[] a = vector(random, rows);
                float[] expected = new float[rows];
                float[] out = new float[rows];
                for (int o = 0; o < rows; o++) {
                    expected[o] = referenceFmaDot(w, o * n, x, n);
                }
                vector.panelMatVec(wp, rows, x, n, out);
                assertBits("panelMatVec " + what, expected, out);

                float[] updated = w.clone();
                for (int o = 0; o < rows; o++) {
                    for (int i = 0; i < n; i++) {
                        updated[o * n + i] = Math.fma(a[o], u[i], updated[o * n + i]);
                    }
                    expected[o] = referenceFmaDot(updated, o * n, x, n);
                }
                float[] fused = wp.clone();
                vector.panelRank1ThenMatVec(fused, rows, n, a, u, x, out);
                assertBits(
                        "panelRank1ThenMatVec weights " + what, toPanels(updated, rows, n), fused);
                assertBits("panelRank1ThenMatVec " + what, expected, out);
                float[] alone = wp.clone();
                vector.panelRank1(alone, rows, n, a, u);
                assertBits("panelRank1 " + what, toPanels(updated, rows, n), alone);
            }
        }
        assertThatThrownBy(
                        () -> vector.panelMatVec(new float[20], 20, new float[1], 1, new float[20]))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("rows 20");
        assertThatThrownBy(
                        () ->
                                PanamaVectorKernels.narrow()
                                        .panelMatVec(
                                                new float[16], 16, new float[1], 1, new float[16]))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** The three dot products at once, each against its own loop; and the two-term addition. */
    @Test
    void threeDotsAtOnceAndAddTwoEqualTheirLoops() {
        SplittableRandom random = new SplittableRandom(19);
        double[] out = new double[3];
        for (int n : lengths()) {
            float[] a = vector(random, n);
            float[] b = vector(random, n);
            vector.exactDots(a, b, n, out);
            assertBits("a.a " + n, referenceExactDot(a, 0, a, n), out[0]);
            assertBits("b.b " + n, referenceExactDot(b, 0, b, n), out[1]);
            assertBits("a.b " + n, referenceExactDot(a, 0, b, n), out[2]);

            int offset = random.nextInt(5);
            float[] y = vector(random, offset + n + 2);
            float[] expected = y.clone();
            for (int i = 0; i < n; i++) {
                expected[offset + i] = (expected[offset + i] + a[i]) + b[i];
            }
            vector.addTwo(a, b, y, offset, n);
            assertBits("addTwo " + n, expected, y);
        }
    }

    /**
     * The chain kernels against the row loops, on both vector widths: both inputs' chains, and the
     * rank-2 update in its order ({@code (a, u)} then {@code (c, y)}), on one to four panels (odd
     * counts take the last panel alone) and widths with no sixteen-column structure; values include
     * zeros, subnormals, huge magnitudes and signed zeros ({@link #value}).
     */
    @Test
    void chainPanelKernelsEqualTheRowLoops() {
        SplittableRandom random = new SplittableRandom(17);
        for (VectorKernels kernels : bothWidths()) {
            for (int rows : new int[] {16, 32, 48, 64}) {
                for (int n : new int[] {0, 1, 3, 16, 17, 64, 65, 784}) {
                    String what = kernels + " " + rows + "x" + n;
                    float[] w = vector(random, rows * n);
                    float[] wp = toPanels(w, rows, n);
                    float[] x1 = vector(random, n);
                    float[] x2 = vector(random, n);
                    float[] u = vector(random, n);
                    float[] y = vector(random, n);
                    float[] a = vector(random, rows);
                    float[] c = vector(random, rows);
                    float[] expected1 = new float[rows];
                    float[] expected2 = new float[rows];
                    for (int o = 0; o < rows; o++) {
                        expected1[o] = referenceChain(w, o * n, x1, n);
                        expected2[o] = referenceChain(w, o * n, x2, n);
                    }
                    float[] out1 = new float[rows];
                    float[] out2 = new float[rows];
                    float[] untouched = wp.clone();
                    kernels.panelChainPair(untouched, rows, n, x1, x2, out1, out2);
                    assertBits("panelChainPair left " + what, expected1, out1);
                    assertBits("panelChainPair right " + what, expected2, out2);
                    assertBits("panelChainPair leaves the matrix " + what, wp, untouched);

                    float[] updated = w.clone();
                    for (int o = 0; o < rows; o++) {
                        for (int i = 0; i < n; i++) {
                            int k = o * n + i;
                            updated[k] = Math.fma(c[o], y[i], Math.fma(a[o], u[i], updated[k]));
                        }
                        expected1[o] = referenceChain(updated, o * n, x1, n);
                        expected2[o] = referenceChain(updated, o * n, x2, n);
                    }
                    float[] fused = wp.clone();
                    kernels.panelRank2ThenChainPair(fused, rows, n, a, u, c, y, x1, x2, out1, out2);
                    assertBits(
                            "panelRank2ThenChainPair weights " + what,
                            toPanels(updated, rows, n),
                            fused);
                    assertBits("panelRank2ThenChainPair left " + what, expected1, out1);
                    assertBits("panelRank2ThenChainPair right " + what, expected2, out2);
                }
            }
            assertThatThrownBy(
                            () ->
                                    kernels.panelChainPair(
                                            new float[20 * 3],
                                            20,
                                            3,
                                            new float[3],
                                            new float[3],
                                            new float[20],
                                            new float[20]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rows 20");
        }
    }

    /** From +0, one fused multiply-add per element in order: the chain's definition. */
    private static float referenceChain(float[] w, int offset, float[] x, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s = Math.fma(w[offset + i], x[i], s);
        }
        return s;
    }

    /**
     * {@code rows x n} row-major to panels of sixteen rows, each column-major: element (o, i) at
     * {@code (o / 16) * 16 * n + i * 16 + o % 16}, written out from the definition.
     */
    private static float[] toPanels(float[] w, int rows, int n) {
        float[] t = new float[rows * n];
        for (int o = 0; o < rows; o++) {
            int panel = o / 16;
            int lane = o % 16;
            for (int i = 0; i < n; i++) {
                t[panel * 16 * n + i * 16 + lane] = w[o * n + i];
            }
        }
        return t;
    }

    @Test
    void exactAffineEqualsItsRowLoop() {
        SplittableRandom random = new SplittableRandom(6);
        int[] rowCounts = {0, 1, 2, 3, 4, 5, 7, 8, 9, 32, 128};
        int[] widths = {0, 1, 3, 4, 7, 8, 9, 16, 24, 63, 64, 65, 784};
        for (int rows : rowCounts) {
            for (int n : widths) {
                int offset = random.nextInt(6);
                float[] w = vector(random, offset + rows * n + rows + 2);
                float[] x = vector(random, n);
                float[] out = new float[rows + 1];
                float[] expected = new float[rows + 1];
                int bias = offset + rows * n;
                for (int o = 0; o < rows; o++) {
                    expected[o] =
                            (float) (w[bias + o] + referenceExactDot(w, offset + o * n, x, n));
                }
                vector.exactAffine(w, offset, rows, x, n, w, bias, out);
                assertBits("exactAffine " + rows + "x" + n, expected, out);
            }
        }
    }

    @Test
    void allFiniteFindsEveryNanAndInfinity() {
        SplittableRandom random = new SplittableRandom(11);
        float[] specials = {
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -0f
        };
        for (VectorKernels kernels : bothWidths()) {
            for (int n : lengths()) {
                assertThat(kernels.allFinite(vector(random, n), n)).as("n=%d", n).isTrue();
                for (float special : specials) {
                    for (int at : n == 0 ? new int[0] : new int[] {0, random.nextInt(n), n - 1}) {
                        float[] x = vector(random, n + 1);
                        x[at] = special;
                        // Past n: not looked at.
                        x[n] = Float.NaN;
                        assertThat(kernels.allFinite(x, n))
                                .as("%s n=%d with %s at %d", kernels, n, special, at)
                                .isEqualTo(Float.isFinite(special));
                    }
                }
            }
        }
    }

    @Test
    void maxAbsIsExactAndPropagatesNanAndInfinity() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : lengths()) {
            for (float special : new float[] {0f, Float.NaN, Float.NEGATIVE_INFINITY}) {
                float[] x = vector(random, n);
                if (n > 0 && special != 0f) {
                    x[random.nextInt(n)] = special;
                }
                float expected = 0f;
                for (int i = 0; i < n; i++) {
                    expected = Math.max(expected, Math.abs(x[i]));
                }
                float actual = vector.maxAbs(x, n);
                assertThat(Float.floatToIntBits(actual))
                        .as(
                                "maxAbs n=%d with %s: expected %s, got %s",
                                n, special, expected, actual)
                        .isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    @Test
    void fmaDotEqualsSixteenFloatLanes() {
        SplittableRandom random = new SplittableRandom(1);
        for (VectorKernels kernels : bothWidths()) {
            for (int n : lengths()) {
                int offset = random.nextInt(5);
                float[] w = vector(random, offset + n + 3);
                float[] x = vector(random, n);
                assertBits(
                        kernels + " n=" + n,
                        referenceFmaDot(w, offset, x, n),
                        kernels.fmaDot(w, offset, x, n));
            }
        }
    }

    @Test
    void fmaDotIsWithinFloatRoundingOfTheExactDot() {
        // Each of the at most n / 16 + 5 roundings on the way to a lane, the tree or the tail
        // adds at most 2^-24 of the running magnitude, itself at most sum |w_i x_i|.
        SplittableRandom random = new SplittableRandom(2);
        for (int n : lengths()) {
            float[] w = new float[n];
            float[] x = new float[n];
            double magnitude = 0;
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                w[i] = (float) random.nextGaussian();
                x[i] = (float) random.nextGaussian();
                magnitude += Math.abs((double) w[i] * x[i]);
                exact = exact.add(new java.math.BigDecimal((double) w[i] * x[i]));
            }
            double bound = (n / 16.0 + 6) * Math.scalb(1.0, -24) * magnitude;
            assertThat(Math.abs(vector.fmaDot(w, 0, x, n) - exact.doubleValue()))
                    .as("n=%d", n)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void exactDotEqualsFourDoubleAccumulators() {
        SplittableRandom random = new SplittableRandom(2);
        for (int n : lengths()) {
            int offset = random.nextInt(5);
            float[] w = vector(random, offset + n + 3);
            float[] x = vector(random, n);
            double[] s = new double[4];
            int i = 0;
            for (; i + 3 < n; i += 4) {
                for (int k = 0; k < 4; k++) {
                    s[k] += (double) w[offset + i + k] * x[i + k];
                }
            }
            for (; i < n; i++) {
                s[0] += (double) w[offset + i] * x[i];
            }
            double expected = (s[0] + s[1]) + (s[2] + s[3]);
            assertBits("n=" + n, expected, vector.exactDot(w, offset, x, n));
        }
    }

    @Test
    void elementWiseKernelsEqualThePlainLoops() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : lengths()) {
            int xOffset = random.nextInt(5);
            int yOffset = random.nextInt(5);
            float a = value(random);
            float[] x = vector(random, xOffset + n);
            float[] y = vector(random, yOffset + n + 2);

            float[] expected = y.clone();
            for (int i = 0; i < n; i++) {
                expected[yOffset + i] += a * x[xOffset + i];
            }
            float[] actual = y.clone();
            vector.axpy(a, x, xOffset, actual, yOffset, n);
            assertBits("axpy n=" + n, expected, actual);

            expected = y.clone();
            for (int i = 0; i < n; i++) {
                expected[yOffset + i] = a * x[i];
            }
            actual = y.clone();
            vector.scale(a, x, actual, yOffset, n);
            assertBits("scale n=" + n, expected, actual);

            float[] b = vector(random, n + 1);
            expected = new float[n + 1];
            for (int i = 0; i < n; i++) {
                expected[i] = x[i] - b[i];
            }
            actual = new float[n + 1];
            vector.subtract(x, b, actual, n);
            assertBits("subtract n=" + n, expected, actual);

            // Products in double rounded once: overflow to infinity, subnormal and zero results.
            for (double k : new double[] {-3e-4, 1e-9, -1e-40, 1e30, -0.0, 0.7}) {
                for (VectorKernels kernels : bothWidths()) {
                    expected = new float[n + 1];
                    for (int i = 0; i < n; i++) {
                        expected[i] = (float) (k * x[i]);
                    }
                    actual = new float[n + 1];
                    kernels.scaleInDouble(k, x, actual, n);
                    String what = kernels + " scaleInDouble k=" + k + " n=" + n;
                    assertBits(what, expected, actual);
                    // The form deferSgd relies on: (-k) x is -(k x) to the bit, zeros included.
                    for (int i = 0; i < n; i++) {
                        expected[i] = (float) -(-k * x[i]);
                    }
                    assertBits(what + " as a negation", expected, actual);
                }
            }
        }
    }

    @Test
    void sgdEqualsThePlainLoop() {
        SplittableRandom random = new SplittableRandom(4);
        for (int n : lengths()) {
            for (float keep : new float[] {1f, 0.999f}) {
                float lr = (float) random.nextDouble(1e-4, 1);
                float[] p = vector(random, n + 1);
                float[] g = vector(random, n + 1);
                float[] expected = p.clone();
                for (int i = 0; i < n; i++) {
                    expected[i] = keep == 1f ? expected[i] - lr * g[i] : p[i] * keep - lr * g[i];
                }
                float[] actual = p.clone();
                vector.sgd(actual, g, n, lr, keep);
                assertBits("sgd n=" + n + " keep=" + keep, expected, actual);
            }
        }
    }

    @Test
    void adamEqualsThePlainLoopWithItsDoubleSquareRoot() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n : lengths()) {
            float[] p = vector(random, n);
            float[] g = vector(random, n);
            float[] state = new float[2 * n];
            for (int i = 0; i < n; i++) {
                state[i] = value(random);
                // v >= 0 as Adam keeps it; its square root is where double and float could differ.
                state[n + i] = Math.abs(value(random));
            }
            float b1 = 0.9f;
            float c1 = (float) (1 - 0.9);
            float b2 = 0.999f;
            float c2 = (float) (1 - 0.999);
            float stepSize = (float) (1e-3 / (1 - Math.pow(0.9, 7)));
            float correction = (float) (1 / Math.sqrt(1 - Math.pow(0.999, 7)));
            float eps = 1e-8f;
            float keep = 0.9999f;
            float[] ep = p.clone();
            float[] es = state.clone();
            for (int i = 0; i < n; i++) {
                float gi = g[i];
                float m = b1 * es[i] + c1 * gi;
                float v = b2 * es[n + i] + c2 * gi * gi;
                es[i] = m;
                es[n + i] = v;
                float denom = (float) Math.sqrt(v) * correction + eps;
                ep[i] = ep[i] * keep - stepSize * m / denom;
            }
            float[] ap = p.clone();
            float[] as = state.clone();
            vector.adam(ap, g, as, n, b1, c1, b2, c2, stepSize, correction, eps, keep);
            assertBits("adam params n=" + n, ep, ap);
            assertBits("adam state n=" + n, es, as);
        }
    }

    @Test
    void floatSquareRootEqualsTheDoubleOneRounded() {
        // The claim adam's bit-identity rests on, over a spread of 2^24 float bit patterns.
        float[] v = new float[1 << 12];
        float[] ep = new float[v.length];
        float[] es = new float[2 * v.length];
        for (int block = 0; block < (1 << 12); block++) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.intBitsToFloat((block << 19) | (i << 7) | (block & 127));
            }
            // With g = 0, b2 = 1, p = 0, keep = 1, stepSize = -1, m = 1: p = 1 / (sqrt(v) * 1 + 0).
            java.util.Arrays.fill(ep, 0f);
            for (int i = 0; i < v.length; i++) {
                es[i] = 1f;
                es[v.length + i] = v[i];
            }
            vector.adam(ep, new float[v.length], es, v.length, 1f, 0f, 1f, 0f, -1f, 1f, 0f, 1f);
            for (int i = 0; i < v.length; i++) {
                float expected = 1f / (float) Math.sqrt(v[i]);
                assertThat(Float.floatToIntBits(ep[i]))
                        .as("v = %s", v[i])
                        .isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }
}
