package io.contrastream.loss.encoder;

import static io.contrastream.loss.encoder.LinearEncoderTest.randomVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NormalizedEncoder} against plain double loops written here: the forward {@code z / sqrt(
 * ||z||^2 + 1e-12)}, the backward through the explicit Jacobian, and the zero vector.
 *
 * <p>Tolerances: 1e-6 absolute on outputs of norm 1 (one float rounding of a double quotient); 1e-5
 * on gradients of order 1 to 10 (the encoder's float intermediate {@code dz} feeds a float outer
 * product).
 */
class NormalizedEncoderTest {

    @Test
    void forwardDividesTheInnerEmbeddingByItsNorm() {
        LinearEncoder inner = new LinearEncoder(5, 4);
        NormalizedEncoder encoder = new NormalizedEncoder(inner);
        SplittableRandom random = new SplittableRandom(31);
        float[] params = randomVector(random, encoder.parameterCount());
        float[] x = randomVector(random, 5);
        Activations act = encoder.newActivations();
        encoder.forward(params, x, act);

        double[] z = naiveLinear(params, x, 5, 4);
        double n = Math.sqrt(dot(z, z) + 1e-12);
        double normSq = 0;
        for (int o = 0; o < 4; o++) {
            assertThat((double) act.output()[o]).isCloseTo(z[o] / n, within(1e-6));
            normSq += (double) act.output()[o] * act.output()[o];
        }
        assertThat(normSq).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void overIdentityItNormalisesTheInputWithoutParameters() {
        NormalizedEncoder encoder = new NormalizedEncoder(new IdentityEncoder(2));
        assertThat(encoder.parameterCount()).isZero();
        assertThat(encoder.inputDim()).isEqualTo(2);
        assertThat(encoder.outputDim()).isEqualTo(2);
        Activations act = encoder.newActivations();
        encoder.forward(new float[0], new float[] {3f, -4f}, act);
        assertThat((double) act.output()[0]).isCloseTo(0.6, within(1e-7));
        assertThat((double) act.output()[1]).isCloseTo(-0.8, within(1e-7));
    }

    @Test
    void backwardMatchesTheJacobianOfNormalisationTimesTheInnerGradient() {
        LinearEncoder inner = new LinearEncoder(5, 4);
        NormalizedEncoder encoder = new NormalizedEncoder(inner);
        SplittableRandom random = new SplittableRandom(32);
        for (int trial = 0; trial < 20; trial++) {
            float[] params = randomVector(random, encoder.parameterCount());
            float[] x = randomVector(random, 5);
            float[] g = randomVector(random, 4);
            float[] grad = new float[encoder.parameterCount()];
            Activations act = encoder.newActivations();
            encoder.forward(params, x, act);
            encoder.backward(params, x, act, g.clone(), grad);

            // dy_i/dz_j = delta_ij / n - z_i z_j / n^3, so dz_j = sum_i g_i dy_i/dz_j.
            double[] z = naiveLinear(params, x, 5, 4);
            double n = Math.sqrt(dot(z, z) + 1e-12);
            double[] dz = new double[4];
            for (int j = 0; j < 4; j++) {
                for (int i = 0; i < 4; i++) {
                    double jacobian = (i == j ? 1 / n : 0) - z[i] * z[j] / (n * n * n);
                    dz[j] += g[i] * jacobian;
                }
            }
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 5; i++) {
                    assertThat((double) grad[o * 5 + i]).isCloseTo(dz[o] * x[i], within(1e-5));
                }
                assertThat((double) grad[20 + o]).isCloseTo(dz[o], within(1e-5));
            }
        }
    }

    @Test
    void gradientIsOrthogonalToTheOutput() {
        // Scaling z does not change y, so dL/dz has no component along z.
        NormalizedEncoder encoder = new NormalizedEncoder(new IdentityEncoder(3));
        Activations act = encoder.newActivations();
        float[] x = {0.3f, -2f, 1.1f};
        encoder.forward(new float[0], x, act);
        float[] g = {0.7f, 0.2f, -1.3f};
        encoder.backward(new float[0], x, act, g, new float[0]);
        double along = 0;
        for (int k = 0; k < 3; k++) {
            along += (double) g[k] * x[k];
        }
        assertThat(along).isCloseTo(0, within(1e-6));
    }

    @Test
    void zeroVectorGivesZeroOutputAndAFiniteGradient() {
        LinearEncoder inner = new LinearEncoder(2, 3);
        NormalizedEncoder encoder = new NormalizedEncoder(inner);
        float[] params = new float[encoder.parameterCount()]; // W = 0, b = 0: z = 0
        float[] x = {1f, -2f};
        Activations act = encoder.newActivations();
        encoder.forward(params, x, act);
        assertThat(act.output()).containsExactly(0f, 0f, 0f);

        float[] g = {1f, 0f, -0.5f};
        float[] grad = new float[encoder.parameterCount()];
        encoder.backward(params, x, act, g, grad);
        // dz = g / sqrt(eps) = 1e6 g: large but finite.
        assertThat((double) g[0]).isCloseTo(1e6, within(1e-1));
        assertThat((double) g[2]).isCloseTo(-5e5, within(1e-1));
        for (float v : grad) {
            assertThat(Float.isFinite(v)).isTrue();
        }
        assertThat((double) grad[6]).isCloseTo(1e6, within(1e-1)); // db[0]
    }

    @Test
    void delegatesShapeAndInitialisationToTheInnerEncoder() {
        MlpEncoder inner = new MlpEncoder(4, 3, 2);
        NormalizedEncoder encoder = new NormalizedEncoder(inner);
        assertThat(encoder.inner()).isSameAs(inner);
        assertThat(encoder.inputDim()).isEqualTo(4);
        assertThat(encoder.outputDim()).isEqualTo(2);
        assertThat(encoder.parameterCount()).isEqualTo(inner.parameterCount());
        float[] a = new float[inner.parameterCount()];
        float[] b = new float[inner.parameterCount()];
        encoder.initialize(a, Initialization.XAVIER_UNIFORM, 3);
        inner.initialize(b, Initialization.XAVIER_UNIFORM, 3);
        assertThat(a).containsExactly(b);
    }

    @Test
    void rejectsANullInnerEncoder() {
        assertThatThrownBy(() -> new NormalizedEncoder(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inner encoder must not be null");
    }

    private static double[] naiveLinear(float[] p, float[] x, int in, int out) {
        double[] z = new double[out];
        for (int o = 0; o < out; o++) {
            z[o] = p[out * in + o];
            for (int i = 0; i < in; i++) {
                z[o] += (double) p[o * in + i] * x[i];
            }
        }
        return z;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
