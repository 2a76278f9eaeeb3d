package io.contrastream.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.loss.distance.CosineSimilarity;
import io.contrastream.loss.distance.EuclideanDistance;
import io.contrastream.loss.encoder.Activations;
import io.contrastream.loss.encoder.Encoder;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Analytic gradients of the whole pair loss {@code L(f(x1), f(x2))}, and of the distances alone,
 * against central finite differences.
 *
 * <p>How the finite differences are taken. Parameters are float, but the finite differences are
 * computed on a double-precision re-implementation of encoder, distance and loss written here in
 * plain loops (it calls nothing under test): each float parameter is widened exactly to double,
 * perturbed by {@code +-H} in double and the loss evaluated in double. With {@code H = 1e-4} the
 * truncation error of the central difference is about {@code H^2/6 |L'''|}, ~1e-9, and the
 * round-off about {@code 1e-16 / H} = 1e-12, so the numeric gradient is good to ~1e-8 and the
 * comparison measures the float analytic path alone. That path rounds forward values and gradients
 * to float (relative 6e-8 per operation, a few dozen operations deep), so its error is ~1e-6
 * relative; tolerances are stated per case below with a margin of about 10-100x over the worst
 * error observed, while a wrong term, factor or sign gives errors of order 1.
 *
 * <p>Kinks. Central differences are wrong within {@code H} of a kink, so inputs are redrawn until
 * every ReLU pre-activation is at least {@link #KINK_GAP} from 0 and the hinge is at least {@link
 * #HINGE_GAP} inside its active side (a perturbation of {@code H} moves either by at most about
 * {@code H}, 100x less). The active hinge also guarantees a nonzero loss, which is asserted, so no
 * case can pass vacuously.
 */
class GradientCheckTest {

    private static final double H = 1e-4;
    private static final double KINK_GAP = 1e-2;
    private static final double HINGE_GAP = 5e-2;
    private static final int INPUT_DIM = 6;
    private static final int HIDDEN_DIM = 5;
    private static final int EMBEDDING_DIM = 4;

    /** One loss form with its settings, for the double reference. */
    record LossForm(String name, ContrastiveLoss loss, boolean euclidean, double margin, double p) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<LossForm> lossForms() {
        return List.of(
                new LossForm(
                        "euclidean m=2 p=0", ContrastiveLoss.euclidean(2.0, 0.0), true, 2.0, 0),
                new LossForm(
                        "euclidean m=2 p=0.3", ContrastiveLoss.euclidean(2.0, 0.3), true, 2.0, 0.3),
                new LossForm("cosine eps=0.2 p=0", ContrastiveLoss.cosine(0.2, 0.0), false, 0.2, 0),
                new LossForm(
                        "cosine eps=0.2 p=0.1", ContrastiveLoss.cosine(0.2, 0.1), false, 0.2, 0.1));
    }

    static Stream<Arguments> pairCases() {
        List<Arguments> cases = new ArrayList<>();
        for (LossForm form : lossForms()) {
            for (PairLabel label : PairLabel.values()) {
                for (EncoderKind kind : EncoderKind.values()) {
                    for (boolean normalize : new boolean[] {false, true}) {
                        cases.add(Arguments.of(form, label, kind, normalize));
                    }
                }
            }
        }
        return cases.stream();
    }

    /**
     * Tolerance on {@code max_k |analytic_k - numeric_k| / max_k |numeric_k|}, per case.
     *
     * <ul>
     *   <li>Without normalisation, 2e-6: the worst error measured over these 24 cases is 1.7e-7
     *       (cosine, MLP), i.e. a few float roundings through two layers and the loss.
     *   <li>With normalisation, 1e-5: measured worst 5.7e-7 (Euclidean, MLP). The extra {@code g -
     *       y (y.g)} step subtracts nearly equal float terms and divides by the norm, which roughly
     *       triples the float error.
     * </ul>
     *
     * Both leave a margin of 10x or more over what was measured, and are still five orders of
     * magnitude below the error of a wrong term, factor or sign.
     */
    static double tolerance(boolean normalize) {
        return normalize ? 1e-5 : 2e-6;
    }

    @ParameterizedTest(name = "{0}, {1}, {2}, normalize={3}")
    @MethodSource("pairCases")
    void pairLossGradientMatchesFiniteDifferences(
            LossForm form, PairLabel label, EncoderKind kind, boolean normalize) {
        Encoder encoder =
                new EncoderConfig(
                                kind,
                                EMBEDDING_DIM,
                                HIDDEN_DIM,
                                normalize,
                                Initialization.PYTORCH_UNIFORM)
                        .create(INPUT_DIM);
        Reference ref = new Reference(form, label, kind, normalize);
        SplittableRandom random =
                new SplittableRandom(
                        1000L * form.name().hashCode()
                                + 100L * label.ordinal()
                                + 10L * kind.ordinal()
                                + (normalize ? 1 : 0));

        float[] params = new float[encoder.parameterCount()];
        float[] x1 = new float[INPUT_DIM];
        float[] x2 = new float[INPUT_DIM];
        drawAwayFromKinks(encoder, ref, random, params, x1, x2);

        // Analytic: forward both sides, loss gradient on the embeddings, backward both into one
        // buffer.
        Activations act1 = encoder.newActivations();
        Activations act2 = encoder.newActivations();
        encoder.forward(params, x1, act1);
        encoder.forward(params, x2, act2);
        float[] gradA = new float[encoder.outputDim()];
        float[] gradB = new float[encoder.outputDim()];
        double loss =
                form.loss().lossAndGradient(act1.output(), act2.output(), label, gradA, gradB);
        float[] gradParams = new float[encoder.parameterCount()];
        encoder.backward(params, x1, act1, gradA, gradParams);
        encoder.backward(params, x2, act2, gradB, gradParams);

        double refLoss = ref.loss(toDouble(params), toDouble(x1), toDouble(x2));
        assertThat(loss).as("loss is nonzero (the check is not vacuous)").isGreaterThan(1e-3);
        assertThat(loss).as("loss against the double reference").isCloseTo(refLoss, within(1e-5));

        if (kind == EncoderKind.IDENTITY) {
            // No parameters: check dL/dx instead. The loss leaves dL/da in gradA; an identity
            // encoder's backward leaves it there, a normalising one overwrites it with dL/dz =
            // dL/dx (documented in NormalizedEncoder.backward). Either way gradA is dL/dx1.
            assertThat(gradParams).isEmpty();
            double[] p = toDouble(params);
            double[] d1 = toDouble(x1);
            double[] d2 = toDouble(x2);
            double[] numeric1 = numericGradient(d1, () -> ref.loss(p, d1, d2));
            double[] numeric2 = numericGradient(d2, () -> ref.loss(p, d1, d2));
            assertClose("dL/dx1", gradA, numeric1, tolerance(normalize));
            assertClose("dL/dx2", gradB, numeric2, tolerance(normalize));
        } else {
            double[] p = toDouble(params);
            double[] d1 = toDouble(x1);
            double[] d2 = toDouble(x2);
            double[] numeric = numericGradient(p, () -> ref.loss(p, d1, d2));
            assertClose("dL/dparams", gradParams, numeric, tolerance(normalize));
        }
    }

    /**
     * Draws parameters and a pair until the hinge is active by at least {@link #HINGE_GAP} (so the
     * loss is at least {@code 0.5 * 0.05^2}) and no ReLU unit is within {@link #KINK_GAP} of 0
     * (and, for the MLP, at least one unit is active, so that the first layer's gradient is not
     * trivially zero).
     */
    private static void drawAwayFromKinks(
            Encoder encoder,
            Reference ref,
            SplittableRandom random,
            float[] params,
            float[] x1,
            float[] x2) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            encoder.initialize(params, Initialization.PYTORCH_UNIFORM, random.nextLong());
            for (int i = 0; i < INPUT_DIM; i++) {
                x1[i] = (float) (2 * random.nextDouble() - 1);
                x2[i] = (float) (2 * random.nextDouble() - 1);
            }
            double[] p = toDouble(params);
            double[] d1 = toDouble(x1);
            double[] d2 = toDouble(x2);
            if (ref.hingeGap(p, d1, d2) >= HINGE_GAP
                    && ref.reluClearOfKink(p, d1)
                    && ref.reluClearOfKink(p, d2)) {
                return;
            }
        }
        throw new AssertionError("no draw away from the kinks in 10000 attempts");
    }

    // ---- distances on their own ----

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void euclideanValueAndGradientMatchFiniteDifferences(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = randomVector(random, 7);
        float[] b = randomVector(random, 7);
        EuclideanDistance distance = new EuclideanDistance();
        double value = distance.value(a, b);
        double[] da = toDouble(a);
        double[] db = toDouble(b);
        assertThat(value).isCloseTo(refEuclidean(da, db), within(1e-12));

        double upstream = 1.7;
        float[] gradA = new float[7];
        float[] gradB = new float[7];
        distance.gradient(a, b, value, upstream, gradA, gradB);
        // Tolerance 1e-6 relative: the only float step is the final rounding of each component.
        assertClose(
                "d/da",
                gradA,
                scale(numericGradient(da, () -> refEuclidean(da, db)), upstream),
                1e-6);
        assertClose(
                "d/db",
                gradB,
                scale(numericGradient(db, () -> refEuclidean(da, db)), upstream),
                1e-6);
    }

    @Test
    void euclideanOfEqualVectorsIsSqrtEpsWithZeroGradient() {
        float[] a = {0.5f, -1.25f, 3f};
        float[] b = a.clone();
        EuclideanDistance distance = new EuclideanDistance();
        double value = distance.value(a, b);
        assertThat(value).isCloseTo(Math.sqrt(1e-8), within(1e-15));
        float[] gradA = {9f, 9f, 9f};
        float[] gradB = {9f, 9f, 9f};
        distance.gradient(a, b, value, 3.0, gradA, gradB);
        assertAllZero(gradA);
        assertAllZero(gradB);
    }

    @Test
    void unsmoothedEuclideanOfEqualVectorsIsZeroWithZeroGradient() {
        float[] a = {0.5f, -1.25f, 3f};
        EuclideanDistance distance = new EuclideanDistance(0.0);
        double value = distance.value(a, a.clone());
        assertThat(value).isZero();
        float[] gradA = {9f, 9f, 9f};
        float[] gradB = {9f, 9f, 9f};
        distance.gradient(a, a.clone(), value, 3.0, gradA, gradB);
        assertAllZero(gradA);
        assertAllZero(gradB);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void cosineValueAndGradientMatchFiniteDifferences(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = randomVector(random, 7);
        float[] b = randomVector(random, 7);
        CosineSimilarity similarity = new CosineSimilarity();
        double value = similarity.value(a, b);
        double[] da = toDouble(a);
        double[] db = toDouble(b);
        assertThat(value).isCloseTo(refCosine(da, db), within(1e-12));

        double upstream = -0.8;
        float[] gradA = new float[7];
        float[] gradB = new float[7];
        similarity.gradient(a, b, value, upstream, gradA, gradB);
        // Tolerance 1e-6 relative: computed in double, rounded to float once per component.
        assertClose(
                "d/da", gradA, scale(numericGradient(da, () -> refCosine(da, db)), upstream), 1e-6);
        assertClose(
                "d/db", gradB, scale(numericGradient(db, () -> refCosine(da, db)), upstream), 1e-6);
    }

    @Test
    void cosineAtAZeroVectorIsZeroWithZeroGradient() {
        float[] zero = new float[3];
        float[] b = {0.5f, -1.25f, 3f};
        CosineSimilarity similarity = new CosineSimilarity();
        for (float[][] pair : new float[][][] {{zero, b}, {b, zero}, {zero, zero.clone()}}) {
            double value = similarity.value(pair[0], pair[1]);
            assertThat(value).isZero();
            float[] gradA = {9f, 9f, 9f};
            float[] gradB = {9f, 9f, 9f};
            similarity.gradient(pair[0], pair[1], value, 2.0, gradA, gradB);
            assertAllZero(gradA);
            assertAllZero(gradB);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lossForms")
    void lossDerivativeMatchesFiniteDifferences(LossForm form) {
        ContrastiveLoss loss = form.loss();
        // Values on the active side of each hinge, at least 0.05 from its corner.
        double[] values = form.euclidean() ? new double[] {0.5, 1.2, 1.9} : new double[] {0.3, 0.6};
        for (PairLabel label : PairLabel.values()) {
            for (double v : values) {
                double numeric = (loss.loss(label, v + H) - loss.loss(label, v - H)) / (2 * H);
                // Tolerance 1e-8 absolute: the loss is quadratic in v, so the central
                // difference is exact up to round-off (1e-16 / H).
                assertThat(loss.derivative(label, v))
                        .as("%s %s at %s", form, label, v)
                        .isCloseTo(numeric, within(1e-8));
            }
        }
    }

    // ---- the double-precision reference ----

    /** Encoder, distance and loss again, in double and plain loops, sharing nothing with main. */
    static final class Reference {
        private final LossForm form;
        private final PairLabel label;
        private final EncoderKind kind;
        private final boolean normalize;

        Reference(LossForm form, PairLabel label, EncoderKind kind, boolean normalize) {
            this.form = form;
            this.label = label;
            this.kind = kind;
            this.normalize = normalize;
        }

        double[] hiddenPre(double[] p, double[] x) {
            double[] pre = new double[HIDDEN_DIM];
            for (int j = 0; j < HIDDEN_DIM; j++) {
                double s = p[HIDDEN_DIM * INPUT_DIM + j];
                for (int i = 0; i < INPUT_DIM; i++) {
                    s += p[j * INPUT_DIM + i] * x[i];
                }
                pre[j] = s;
            }
            return pre;
        }

        double[] encode(double[] p, double[] x) {
            double[] z;
            switch (kind) {
                case IDENTITY:
                    z = x.clone();
                    break;
                case LINEAR:
                    z = new double[EMBEDDING_DIM];
                    for (int o = 0; o < EMBEDDING_DIM; o++) {
                        double s = p[EMBEDDING_DIM * INPUT_DIM + o];
                        for (int i = 0; i < INPUT_DIM; i++) {
                            s += p[o * INPUT_DIM + i] * x[i];
                        }
                        z[o] = s;
                    }
                    break;
                case MLP:
                    double[] pre = hiddenPre(p, x);
                    int w2 = HIDDEN_DIM * INPUT_DIM + HIDDEN_DIM;
                    int b2 = w2 + EMBEDDING_DIM * HIDDEN_DIM;
                    z = new double[EMBEDDING_DIM];
                    for (int o = 0; o < EMBEDDING_DIM; o++) {
                        double s = p[b2 + o];
                        for (int j = 0; j < HIDDEN_DIM; j++) {
                            s += p[w2 + o * HIDDEN_DIM + j] * Math.max(0, pre[j]);
                        }
                        z[o] = s;
                    }
                    break;
                default:
                    throw new AssertionError(kind);
            }
            if (normalize) {
                double sq = 0;
                for (double v : z) {
                    sq += v * v;
                }
                double n = Math.sqrt(sq + 1e-12);
                for (int k = 0; k < z.length; k++) {
                    z[k] /= n;
                }
            }
            return z;
        }

        /** The dissimilarity D of the pair: d, or 1 - s. */
        double dissimilarity(double[] p, double[] x1, double[] x2) {
            double[] a = encode(p, x1);
            double[] b = encode(p, x2);
            return form.euclidean() ? refEuclidean(a, b) : 1 - refCosine(a, b);
        }

        double loss(double[] p, double[] x1, double[] x2) {
            double d = dissimilarity(p, x1, x2);
            double negativeMargin = form.euclidean() ? form.margin() : 1 - form.margin();
            double h =
                    label == PairLabel.SAME
                            ? Math.max(0, d - form.p())
                            : Math.max(0, negativeMargin - d);
            return 0.5 * h * h;
        }

        /** How far inside its active side the hinge is (negative when inactive). */
        double hingeGap(double[] p, double[] x1, double[] x2) {
            double d = dissimilarity(p, x1, x2);
            double negativeMargin = form.euclidean() ? form.margin() : 1 - form.margin();
            return label == PairLabel.SAME ? d - form.p() : negativeMargin - d;
        }

        boolean reluClearOfKink(double[] p, double[] x) {
            if (kind != EncoderKind.MLP) {
                return true;
            }
            boolean anyActive = false;
            for (double v : hiddenPre(p, x)) {
                if (Math.abs(v) < KINK_GAP) {
                    return false;
                }
                anyActive |= v > 0;
            }
            return anyActive;
        }
    }

    static double refEuclidean(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(s + 1e-8);
    }

    static double refCosine(double[] a, double[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }
        if (aa == 0 || bb == 0) {
            return 0;
        }
        return dot / Math.sqrt(aa * bb);
    }

    // ---- helpers ----

    /** Central differences of {@code f} in each component of {@code x} (perturbed in place). */
    static double[] numericGradient(double[] x, java.util.function.DoubleSupplier f) {
        double[] g = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double saved = x[k];
            x[k] = saved + H;
            double plus = f.getAsDouble();
            x[k] = saved - H;
            double minus = f.getAsDouble();
            x[k] = saved;
            g[k] = (plus - minus) / (2 * H);
        }
        return g;
    }

    /**
     * Asserts {@code max_k |analytic_k - numeric_k| <= tol * max_k |numeric_k|}, and that the
     * gradient is not all zeros (which would make the relative test meaningless).
     */
    static void assertClose(String what, float[] analytic, double[] numeric, double tol) {
        assertThat(analytic).hasSize(numeric.length);
        double scale = 0;
        double worst = 0;
        int worstAt = -1;
        for (int k = 0; k < numeric.length; k++) {
            scale = Math.max(scale, Math.abs(numeric[k]));
            double err = Math.abs(analytic[k] - numeric[k]);
            if (err > worst) {
                worst = err;
                worstAt = k;
            }
        }
        assertThat(scale).as("%s is not all zeros", what).isGreaterThan(1e-6);
        assertThat(worst / scale)
                .as(
                        "%s: worst relative error at [%d]: analytic %s, numeric %s",
                        what,
                        worstAt,
                        worstAt < 0 ? "-" : analytic[worstAt],
                        worstAt < 0 ? "-" : numeric[worstAt])
                .isLessThanOrEqualTo(tol);
    }

    /** Every component is zero; {@code -0.0f} counts (it is {@code -g} for {@code g = 0}). */
    static void assertAllZero(float[] v) {
        for (float x : v) {
            assertThat(x == 0f).as("%s is all zeros", java.util.Arrays.toString(v)).isTrue();
        }
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            d[k] = v[k];
        }
        return d;
    }

    static double[] scale(double[] v, double factor) {
        for (int k = 0; k < v.length; k++) {
            v[k] *= factor;
        }
        return v;
    }

    static float[] randomVector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (2 * random.nextDouble() - 1);
        }
        return v;
    }
}
