package io.contrastream.loss.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The proofs behind the learner's copy-free guard: whenever {@link Optimizer#provablyFinite} says
 * yes, the step that follows leaves every value finite and within the advanced bounds; it says yes
 * in the ordinary regime (so the fast path is taken), and no when a step would overflow. Streams of
 * random gradients from 1e-3 to 1e35 in magnitude, learning rates from 1e-4 to 1e6.
 */
class StepBoundTest {

    private static final int N = 40;

    private static void check(OptimizerConfig config, long seed) {
        Optimizer optimizer = config.create();
        SplittableRandom random = new SplittableRandom(seed);
        float[] params = new float[N];
        for (int i = 0; i < N; i++) {
            params[i] = (float) random.nextGaussian();
        }
        float[] state = new float[optimizer.stateSize(N)];
        float[] grads = new float[N];
        StepBounds bounds = new StepBounds();
        int proven = 0;
        int refused = 0;
        long t = 0;
        for (int step = 0; step < 4000; step++) {
            double scale = Math.pow(10, random.nextInt(-3, 36));
            double largest = 0;
            for (int i = 0; i < N; i++) {
                grads[i] = (float) (random.nextGaussian() * scale);
                largest = Math.max(largest, Math.abs(grads[i]));
            }
            if (!Double.isFinite(largest)) {
                continue;
            }
            if (optimizer.provablyFinite(
                    bounds, largest, t + 1, config.learningRate(), params, state)) {
                proven++;
                optimizer.step(params, grads, state, ++t, config.learningRate());
                for (int i = 0; i < N; i++) {
                    assertThat(Float.isFinite(params[i])).as("param after step " + t).isTrue();
                    assertThat((double) Math.abs(params[i])).isLessThanOrEqualTo(bounds.params);
                }
                for (int i = 0; i < state.length; i++) {
                    assertThat(Float.isFinite(state[i])).as("state after step " + t).isTrue();
                    double bound = i < N ? bounds.first : bounds.second;
                    assertThat((double) Math.abs(state[i])).isLessThanOrEqualTo(bound);
                }
            } else {
                refused++;
                // Unproven: the learner would copy, step, check; here we start afresh instead.
                bounds.forget();
                for (int i = 0; i < N; i++) {
                    params[i] = (float) random.nextGaussian();
                }
                java.util.Arrays.fill(state, 0f);
                t = 0;
            }
        }
        assertThat(proven).as(config + " proven").isGreaterThan(100);
        assertThat(refused).as(config + " refused").isPositive();
    }

    @Test
    void sgdProofsHold() {
        check(OptimizerConfig.of(OptimizerKind.SGD, 1e3), 1);
        check(OptimizerConfig.of(OptimizerKind.SGD, 1e6).withWeightDecay(3e-6), 2);
    }

    @Test
    void adamProofsHold() {
        check(OptimizerConfig.of(OptimizerKind.ADAM, 1e-3), 3);
        check(OptimizerConfig.of(OptimizerKind.ADAM, 1e6).withWeightDecay(1e-2), 4);
    }

    @Test
    void ordinaryStepsAreProvenAndOverflowingOnesAreNot() {
        Optimizer adam = OptimizerConfig.of(OptimizerKind.ADAM, 1e-3).create();
        float[] params = {1f, -2f};
        float[] state = new float[4];
        StepBounds bounds = new StepBounds();
        assertThat(adam.provablyFinite(bounds, 10, 1, 1e-3, params, state)).isTrue();
        // g = 1e21 makes (1 - b2) g^2 = 1e39: the proof must refuse, and the step does overflow.
        bounds.forget();
        assertThat(adam.provablyFinite(bounds, 1e21, 1, 1e-3, params, state)).isFalse();
        adam.step(params, new float[] {1e21f, 1f}, state, 1, 1e-3);
        assertThat(Float.isFinite(state[2])).isFalse();
        // Rules without a proof leave the guard to the caller.
        Optimizer adagrad = OptimizerConfig.of(OptimizerKind.ADAGRAD, 1e-3).create();
        assertThat(adagrad.provablyFinite(new StepBounds(), 1, 1, 1e-3, params, state)).isFalse();
    }
}
