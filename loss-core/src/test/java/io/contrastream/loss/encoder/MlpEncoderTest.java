package io.contrastream.loss.encoder;

import static io.contrastream.loss.encoder.LinearEncoderTest.assertSpansBound;
import static io.contrastream.loss.encoder.LinearEncoderTest.assertZeros;
import static io.contrastream.loss.encoder.LinearEncoderTest.randomVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link MlpEncoder} against plain double loops written here, the ReLU convention at 0, and its
 * per-layer initialisation.
 *
 * <p>Tolerances: 1e-5 absolute on values of order 1. The encoder rounds the hidden layer to float
 * before the second layer, the reference does not, so outputs and gradients may differ by a few
 * float ulps of the hidden sums (about 1e-7 each, summed over the hidden units).
 */
class MlpEncoderTest {

    private static final int IN = 6;
    private static final int HIDDEN = 5;
    private static final int OUT = 3;

    @Test
    void layoutIsW1B1W2B2() {
        MlpEncoder encoder = new MlpEncoder(IN, HIDDEN, OUT);
        assertThat(encoder.b1Offset()).isEqualTo(HIDDEN * IN);
        assertThat(encoder.w2Offset()).isEqualTo(HIDDEN * IN + HIDDEN);
        assertThat(encoder.b2Offset()).isEqualTo(HIDDEN * IN + HIDDEN + OUT * HIDDEN);
        assertThat(encoder.parameterCount()).isEqualTo(HIDDEN * IN + HIDDEN + OUT * HIDDEN + OUT);
        assertThat(encoder.hiddenDim()).isEqualTo(HIDDEN);
    }

    @Test
    void forwardIsW2ReluW1xPlusB1PlusB2() {
        MlpEncoder encoder = new MlpEncoder(IN, HIDDEN, OUT);
        SplittableRandom random = new SplittableRandom(21);
        for (int trial = 0; trial < 20; trial++) {
            float[] params = randomVector(random, encoder.parameterCount());
            float[] x = randomVector(random, IN);
            MlpEncoder.MlpActivations act = (MlpEncoder.MlpActivations) encoder.newActivations();
            encoder.forward(params, x, act);

            double[] pre = naivePre(params, x);
            for (int j = 0; j < HIDDEN; j++) {
                assertThat((double) act.hiddenPreActivations()[j]).isCloseTo(pre[j], within(1e-6));
                assertThat((double) act.hiddenActivations()[j])
                        .isCloseTo(Math.max(0, pre[j]), within(1e-6));
            }
            double[] out = naiveOut(params, pre);
            for (int o = 0; o < OUT; o++) {
                assertThat((double) act.output()[o]).isCloseTo(out[o], within(1e-5));
            }
        }
    }

    @Test
    void backwardAddsTheChainRuleGradient() {
        MlpEncoder encoder = new MlpEncoder(IN, HIDDEN, OUT);
        SplittableRandom random = new SplittableRandom(22);
        for (int trial = 0; trial < 20; trial++) {
            float[] params = randomVector(random, encoder.parameterCount());
            float[] x = randomVector(random, IN);
            float[] g = randomVector(random, OUT);
            float[] before = randomVector(random, encoder.parameterCount());
            float[] grad = before.clone();
            Activations act = encoder.newActivations();
            encoder.forward(params, x, act);
            encoder.backward(params, x, act, g.clone(), grad);

            double[] expected = naiveGradient(params, x, g);
            for (int k = 0; k < expected.length; k++) {
                assertThat((double) grad[k])
                        .as("param %d", k)
                        .isCloseTo(before[k] + expected[k], within(1e-5));
            }
        }
    }

    @Test
    void reluAtExactlyZeroPassesNoGradient() {
        MlpEncoder encoder = new MlpEncoder(2, 2, 1);
        // Unit 0: pre = 0 exactly (zero weights, zero bias). Unit 1: pre = x0 + x1 > 0.
        float[] params = {0f, 0f, 1f, 1f, /* b1 */ 0f, 0f, /* W2 */ 2f, 3f, /* b2 */ 0.5f};
        float[] x = {1f, 2f};
        MlpEncoder.MlpActivations act = (MlpEncoder.MlpActivations) encoder.newActivations();
        encoder.forward(params, x, act);
        assertThat(act.hiddenPreActivations()).containsExactly(0f, 3f);
        assertThat(act.output()).containsExactly(9.5f);

        float[] grad = new float[encoder.parameterCount()];
        encoder.backward(params, x, act, new float[] {1f}, grad);
        // Unit 0 is inactive at 0: no gradient to its W1 row or b1, though W2[0][0] = 2 != 0.
        assertThat(grad)
                .containsExactly(0f, 0f, 3f, 6f, /* b1 */ 0f, 3f, /* W2 */ 0f, 3f, /* b2 */ 1f);
    }

    @Test
    void eachLayerIsInitialisedWithItsOwnFanIn() {
        MlpEncoder encoder = new MlpEncoder(100, 4, 50);
        float[] params = new float[encoder.parameterCount()];
        encoder.initialize(params, Initialization.PYTORCH_UNIFORM, 5);
        assertSpansBound(params, 0, 400, 0.1);
        assertSpansBound(params, encoder.b1Offset(), 4, 0.1);
        assertSpansBound(params, encoder.w2Offset(), 200, 0.5);
        assertSpansBound(params, encoder.b2Offset(), 50, 0.5);

        encoder.initialize(params, Initialization.XAVIER_UNIFORM, 5);
        assertSpansBound(params, 0, 400, Math.sqrt(6.0 / 104));
        assertZeros(params, encoder.b1Offset(), 4);
        assertSpansBound(params, encoder.w2Offset(), 200, Math.sqrt(6.0 / 54));
        assertZeros(params, encoder.b2Offset(), 50);

        encoder.initialize(params, Initialization.HE_NORMAL, 5);
        assertZeros(params, encoder.b1Offset(), 4);
        assertZeros(params, encoder.b2Offset(), 50);
    }

    @ParameterizedTest
    @EnumSource(Initialization.class)
    void layersAreDrawnInLayoutOrderFromOneGenerator(Initialization init) {
        // The first layer takes the generator's first draws, exactly as a linear in -> hidden
        // encoder with the same seed does.
        MlpEncoder mlp = new MlpEncoder(IN, HIDDEN, OUT);
        float[] params = new float[mlp.parameterCount()];
        mlp.initialize(params, init, 99);
        LinearEncoder first = new LinearEncoder(IN, HIDDEN);
        float[] firstParams = new float[first.parameterCount()];
        first.initialize(firstParams, init, 99);
        assertThat(Arrays.copyOfRange(params, 0, mlp.w2Offset())).containsExactly(firstParams);
        // ... and the second layer continues the stream rather than restarting it.
        LinearEncoder second = new LinearEncoder(HIDDEN, OUT);
        float[] restarted = new float[second.parameterCount()];
        second.initialize(restarted, init, 99);
        float[] secondLayer = Arrays.copyOfRange(params, mlp.w2Offset(), params.length);
        assertThat(Arrays.copyOfRange(secondLayer, 0, OUT * HIDDEN))
                .isNotEqualTo(Arrays.copyOfRange(restarted, 0, OUT * HIDDEN));
    }

    @ParameterizedTest
    @EnumSource(Initialization.class)
    void sameSeedGivesSameParametersAndAnotherSeedDifferentOnes(Initialization init) {
        MlpEncoder encoder = new MlpEncoder(IN, HIDDEN, OUT);
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
    void constructorRejectsNonPositiveSizes() {
        assertThatThrownBy(() -> new MlpEncoder(0, 2, 2)).hasMessage("inputDim must be > 0, got 0");
        assertThatThrownBy(() -> new MlpEncoder(2, 0, 2))
                .hasMessage("hiddenDim must be > 0, got 0");
        assertThatThrownBy(() -> new MlpEncoder(2, 2, -3))
                .hasMessage("outputDim must be > 0, got -3");
    }

    private static double[] naivePre(float[] p, float[] x) {
        double[] pre = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            pre[j] = p[HIDDEN * IN + j];
            for (int i = 0; i < IN; i++) {
                pre[j] += (double) p[j * IN + i] * x[i];
            }
        }
        return pre;
    }

    private static double[] naiveOut(float[] p, double[] pre) {
        int w2 = HIDDEN * IN + HIDDEN;
        int b2 = w2 + OUT * HIDDEN;
        double[] out = new double[OUT];
        for (int o = 0; o < OUT; o++) {
            out[o] = p[b2 + o];
            for (int j = 0; j < HIDDEN; j++) {
                out[o] += p[w2 + o * HIDDEN + j] * Math.max(0, pre[j]);
            }
        }
        return out;
    }

    private static double[] naiveGradient(float[] p, float[] x, float[] g) {
        int b1 = HIDDEN * IN;
        int w2 = b1 + HIDDEN;
        int b2 = w2 + OUT * HIDDEN;
        double[] grad = new double[p.length];
        double[] pre = naivePre(p, x);
        for (int o = 0; o < OUT; o++) {
            for (int j = 0; j < HIDDEN; j++) {
                grad[w2 + o * HIDDEN + j] = g[o] * Math.max(0, pre[j]);
            }
            grad[b2 + o] = g[o];
        }
        for (int j = 0; j < HIDDEN; j++) {
            if (pre[j] <= 0) {
                continue;
            }
            double dh = 0;
            for (int o = 0; o < OUT; o++) {
                dh += (double) p[w2 + o * HIDDEN + j] * g[o];
            }
            for (int i = 0; i < IN; i++) {
                grad[j * IN + i] = dh * x[i];
            }
            grad[b1 + j] = dh;
        }
        return grad;
    }
}
