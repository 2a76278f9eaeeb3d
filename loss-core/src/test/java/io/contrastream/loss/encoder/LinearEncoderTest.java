package io.contrastream.loss.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LinearEncoder} against plain double loops written here, and its initialisation.
 *
 * <p>Tolerances: forward outputs are float roundings of double sums of order 1, so 1e-6 absolute;
 * backward is a product of two floats added to a float, exact to 1 ulp, so 1e-6 absolute on values
 * of order 1.
 */
class LinearEncoderTest {

    private static final int IN = 7;
    private static final int OUT = 3;

    @Test
    void forwardIsWxPlusB() {
        LinearEncoder encoder = new LinearEncoder(IN, OUT);
        SplittableRandom random = new SplittableRandom(11);
        float[] params = randomVector(random, encoder.parameterCount());
        float[] x = randomVector(random, IN);
        Activations act = encoder.newActivations();
        encoder.forward(params, x, act);

        assertThat(act.output()).hasSize(OUT);
        for (int o = 0; o < OUT; o++) {
            double expected = params[OUT * IN + o];
            for (int i = 0; i < IN; i++) {
                expected += (double) params[o * IN + i] * x[i];
            }
            assertThat((double) act.output()[o]).isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    void backwardAddsOuterProductAndBiasGradient() {
        LinearEncoder encoder = new LinearEncoder(IN, OUT);
        SplittableRandom random = new SplittableRandom(12);
        float[] params = randomVector(random, encoder.parameterCount());
        float[] x = randomVector(random, IN);
        float[] g = randomVector(random, OUT);
        float[] before = randomVector(random, encoder.parameterCount());
        float[] grad = before.clone();
        Activations act = encoder.newActivations();
        encoder.forward(params, x, act);
        encoder.backward(params, x, act, g.clone(), grad);

        for (int o = 0; o < OUT; o++) {
            for (int i = 0; i < IN; i++) {
                int k = o * IN + i;
                assertThat((double) grad[k])
                        .as("W[%d][%d]", o, i)
                        .isCloseTo(before[k] + (double) g[o] * x[i], within(1e-6));
            }
            int k = encoder.biasOffset() + o;
            assertThat((double) grad[k]).as("b[%d]", o).isCloseTo(before[k] + g[o], within(1e-6));
        }
    }

    @Test
    void parameterLayoutIsWeightsThenBias() {
        LinearEncoder encoder = new LinearEncoder(IN, OUT);
        assertThat(encoder.parameterCount()).isEqualTo(IN * OUT + OUT);
        assertThat(encoder.biasOffset()).isEqualTo(IN * OUT);
        assertThat(encoder.inputDim()).isEqualTo(IN);
        assertThat(encoder.outputDim()).isEqualTo(OUT);
    }

    @Test
    void pytorchUniformDrawsWeightsAndBiasesWithinOneOverSqrtFanIn() {
        LinearEncoder encoder = new LinearEncoder(64, 32);
        float[] params = new float[encoder.parameterCount()];
        encoder.initialize(params, Initialization.PYTORCH_UNIFORM, 42);
        double bound = 1 / Math.sqrt(64);
        assertSpansBound(params, 0, 64 * 32, bound);
        // Biases too (PyTorch's nn.Linear default), not zeros.
        assertSpansBound(params, encoder.biasOffset(), 32, bound);
    }

    @Test
    void xavierUniformDrawsWeightsWithinGlorotBoundAndZeroBiases() {
        LinearEncoder encoder = new LinearEncoder(64, 32);
        float[] params = new float[encoder.parameterCount()];
        encoder.initialize(params, Initialization.XAVIER_UNIFORM, 42);
        assertSpansBound(params, 0, 64 * 32, Math.sqrt(6.0 / (64 + 32)));
        assertZeros(params, encoder.biasOffset(), 32);
    }

    @Test
    void heNormalDrawsWeightsWithStdSqrtTwoOverFanInAndZeroBiases() {
        LinearEncoder encoder = new LinearEncoder(200, 100);
        float[] params = new float[encoder.parameterCount()];
        encoder.initialize(params, Initialization.HE_NORMAL, 42);
        int n = 200 * 100;
        double sum = 0;
        double sumSq = 0;
        for (int k = 0; k < n; k++) {
            sum += params[k];
            sumSq += (double) params[k] * params[k];
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        double expected = Math.sqrt(2.0 / 200);
        // Standard errors for 20000 draws: mean 0.7 % of std, std 0.5 %; allow about 4 of them.
        assertThat(mean).isCloseTo(0, within(0.03 * expected));
        assertThat(std).isCloseTo(expected, within(0.02 * expected));
        assertZeros(params, encoder.biasOffset(), 100);
    }

    @ParameterizedTest
    @EnumSource(Initialization.class)
    void sameSeedGivesSameParametersAndAnotherSeedDifferentOnes(Initialization init) {
        LinearEncoder encoder = new LinearEncoder(IN, OUT);
        float[] a = new float[encoder.parameterCount()];
        float[] b = new float[encoder.parameterCount()];
        float[] c = new float[encoder.parameterCount()];
        encoder.initialize(a, init, 7);
        encoder.initialize(b, init, 7);
        encoder.initialize(c, init, 8);
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void initializeRejectsAnArrayOfTheWrongLengthNamingBothSizes() {
        LinearEncoder encoder = new LinearEncoder(IN, OUT);
        assertThatThrownBy(
                        () -> encoder.initialize(new float[5], Initialization.PYTORCH_UNIFORM, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 values")
                .hasMessageContaining("expects 24");
        assertThatThrownBy(() -> encoder.initialize(new float[24], null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialization");
    }

    @Test
    void constructorRejectsNonPositiveSizes() {
        assertThatThrownBy(() -> new LinearEncoder(0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputDim must be > 0, got 0");
        assertThatThrownBy(() -> new LinearEncoder(3, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outputDim must be > 0, got -1");
        assertThatThrownBy(() -> new LinearEncoder(65536, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many parameters");
    }

    /**
     * All values within {@code +-bound}, and reaching well towards it on both sides, so that a
     * smaller bound (a wrong fan-in) fails: 90 % of it for 200 or more draws, 50 % for 20 or more
     * (missing either by chance has probability below 1e-4 and 1e-2 per side; the seeds are fixed,
     * so this is checked once, not flaky), only the bound itself for fewer draws.
     */
    static void assertSpansBound(float[] params, int from, int count, double bound) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int k = from; k < from + count; k++) {
            min = Math.min(min, params[k]);
            max = Math.max(max, params[k]);
        }
        double reach = count >= 200 ? 0.9 : count >= 20 ? 0.5 : 0.0;
        assertThat(min).isGreaterThanOrEqualTo(-bound).isLessThanOrEqualTo(-reach * bound);
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo(reach * bound);
    }

    static void assertZeros(float[] params, int from, int count) {
        for (int k = from; k < from + count; k++) {
            assertThat(params[k]).as("params[%d]", k).isZero();
        }
    }

    static float[] randomVector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (2 * random.nextDouble() - 1);
        }
        return v;
    }
}
