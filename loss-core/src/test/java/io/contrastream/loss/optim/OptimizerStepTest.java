package io.contrastream.loss.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Each rule's steps on a fixed example, against values worked out by hand from the published update
 * formulas: p = (1, -2), g = (0.5, 0.25), learning rate 0.1. Tolerance 1e-6 absolute: the rules run
 * in float, whose rounding at these magnitudes is below 2.4e-7.
 */
class OptimizerStepTest {

    private static final double TOL = 1e-6;

    private float[] params = {1f, -2f};
    private final float[] grads = {0.5f, 0.25f};

    private float[] run(OptimizerConfig config, float[]... gradients) {
        Optimizer optimizer = config.create();
        float[] state = new float[optimizer.stateSize(params.length)];
        long t = 0;
        for (float[] g : gradients) {
            optimizer.step(params, g, state, ++t, config.learningRate());
        }
        return params;
    }

    @Test
    void sgdMovesAgainstTheGradient() {
        // p - lr g = (1 - 0.05, -2 - 0.025)
        float[] p = run(OptimizerConfig.of(OptimizerKind.SGD, 0.1), grads);
        assertThat(p[0]).isCloseTo(0.95f, within((float) TOL));
        assertThat(p[1]).isCloseTo(-2.025f, within((float) TOL));
    }

    @Test
    void sgdWeightDecayIsDecoupled() {
        // p (1 - lr wd) - lr g with lr wd = 0.001: (0.999 - 0.05, -1.998 - 0.025)
        float[] p = run(OptimizerConfig.of(OptimizerKind.SGD, 0.1).withWeightDecay(0.01), grads);
        assertThat(p[0]).isCloseTo(0.949f, within((float) TOL));
        assertThat(p[1]).isCloseTo(-2.023f, within((float) TOL));
    }

    @Test
    void momentumAccumulatesVelocity() {
        // step 1: v = g, p = (0.95, -2.025); step 2: v = 0.9 g + g = 1.9 g = (0.95, 0.475),
        // p = (0.95 - 0.095, -2.025 - 0.0475)
        float[] p = run(OptimizerConfig.of(OptimizerKind.MOMENTUM, 0.1), grads, grads);
        assertThat(p[0]).isCloseTo(0.855f, within((float) TOL));
        assertThat(p[1]).isCloseTo(-2.0725f, within((float) TOL));
    }

    @Test
    void nesterovLooksAhead() {
        // step 1: v = g, direction g + 0.9 v = 1.9 g: p = (1 - 0.095, -2 - 0.0475)
        // step 2: v = 1.9 g, direction g + 0.9 * 1.9 g = 2.71 g: p -= (0.1355, 0.06775)
        float[] p =
                run(
                        OptimizerConfig.of(OptimizerKind.MOMENTUM, 0.1).withNesterov(true),
                        grads,
                        grads);
        assertThat(p[0]).isCloseTo(0.7695f, within((float) TOL));
        assertThat(p[1]).isCloseTo(-2.11525f, within((float) TOL));
    }

    @Test
    void adagradDividesByTheRootOfSummedSquares() {
        // step 1: G = g^2, step lr g / |g| = 0.1 sign(g); step 2: G = 2 g^2, step 0.1 / sqrt(2)
        float[] p = run(OptimizerConfig.of(OptimizerKind.ADAGRAD, 0.1), grads, grads);
        assertThat(p[0]).isCloseTo((float) (0.9 - 0.1 / Math.sqrt(2)), within((float) TOL));
        assertThat(p[1]).isCloseTo((float) (-2.1 - 0.1 / Math.sqrt(2)), within((float) TOL));
    }

    @Test
    void adamStepsAreLearningRateSizedForAConstantGradient() {
        // With bias correction, m_hat = g and v_hat = g^2 for a constant g: each step is
        // lr * g / (|g| + eps), i.e. 0.1 in the direction of -sign(g).
        float[] p = run(OptimizerConfig.of(OptimizerKind.ADAM, 0.1), grads, grads);
        assertThat(p[0]).isCloseTo(0.8f, within((float) TOL));
        assertThat(p[1]).isCloseTo(-2.2f, within((float) TOL));
    }

    @Test
    void adamSecondStepWithAnotherGradient() {
        // step 1 as above: p = (0.9, -2.1), m = (0.05, 0.025), v = (0.00025, 0.0000625).
        // step 2, g = (-0.5, 0):
        //   m = (0.045 - 0.05, 0.0225) = (-0.005, 0.0225); m_hat = m / 0.19
        //   v = (0.999 * 0.00025 + 0.00025, 0.999 * 0.0000625) = (0.00049975, 0.0000624375);
        //   v_hat = v / 0.001999 = (0.25, 0.0312343672)
        //   p0 = 0.9 - 0.1 * (-0.0263157895) / 0.5 = 0.9052631579
        //   p1 = -2.1 - 0.1 * 0.1184210526 / 0.1767324738 = -2.1670058216
        float[] p =
                run(OptimizerConfig.of(OptimizerKind.ADAM, 0.1), grads, new float[] {-0.5f, 0f});
        assertThat(p[0]).isCloseTo(0.9052631579f, within((float) TOL));
        assertThat(p[1]).isCloseTo(-2.1670058216f, within((float) TOL));
    }

    @Test
    void stateSizesMatchTheRules() {
        assertThat(new Sgd(0).stateSize(10)).isZero();
        assertThat(new Momentum(0.9f, false, 0).stateSize(10)).isEqualTo(10);
        assertThat(new Adagrad(1e-10f, 0).stateSize(10)).isEqualTo(10);
        assertThat(new Adam(0.9, 0.999, 1e-8f, 0).stateSize(10)).isEqualTo(20);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> OptimizerConfig.of(OptimizerKind.SGD, 0))
                .hasMessageContaining("learning-rate");
        assertThatThrownBy(() -> OptimizerConfig.of(OptimizerKind.SGD, Double.NaN))
                .hasMessageContaining("learning-rate");
        assertThatThrownBy(() -> OptimizerConfig.of(OptimizerKind.SGD, 0.1).withWeightDecay(-1))
                .hasMessageContaining("weight-decay");
        assertThatThrownBy(() -> OptimizerConfig.of(OptimizerKind.ADAM, 0.1).withNesterov(true))
                .hasMessageContaining("nesterov");
    }
}
