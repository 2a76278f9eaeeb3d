package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused Euclidean paths, linear ({@link LinearEuclideanKernel}) and MLP under plain SGD ({@link
 * MlpEuclideanKernel}), against the general two-sided path on the same stream, and the rollback
 * guarantee of both. (At {@value #DIM} inputs, not a multiple of 16, the MLP runs its row-major
 * form; {@link LazyUpdateTest} and {@link MlpEuclideanKernelTest} cover its panels.)
 *
 * <p>Tolerance: the two paths round differently (the fused one rounds {@code x1 - x2} and {@code W
 * (x1 - x2)} to float, the general one each embedding), so they agree to float rounding per step,
 * and training carries the differences forward. Over {@value #PAIRS} pairs every distance and loss
 * must agree within a relative {@value #RELATIVE} (plus an absolute {@value #ABSOLUTE} for values
 * near 0), and every parameter within {@value #ABSOLUTE} plus {@value #RELATIVE} of its magnitude.
 * Measured here the largest differences are about two orders of magnitude smaller.
 */
class FusedLinearPathTest {

    private static final int DIM = 24;
    private static final int PAIRS = 5000;
    private static final double RELATIVE = 1e-4;
    private static final double ABSOLUTE = 1e-5;
    private static final float[] SCALES = {1f, 1e3f, 1e10f};

    /**
     * The MLP's gradient norms agree within 1e-4 plus a relative 1e-3: the general path forms the
     * first layer's rank-2 gradient {@code d1 x1^T + d2 x2^T} in float, and where a SAME pair's two
     * terms nearly cancel, that sum keeps few digits; the fused path takes the norm from double
     * products ({@link MlpEuclideanKernel}), within 1e-6 of finite differences in {@link
     * MlpEuclideanKernelTest}. Measured here: 1.3e-4 at a norm of 0.9, 3.1e-5 at 0.01.
     */
    private static final double MLP_NORM_RELATIVE = 1e-3;

    private static final double MLP_NORM_ABSOLUTE = 1e-4;

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("SGD", config(OptimizerConfig.of(OptimizerKind.SGD, 0.01), 0.0)),
                Arguments.of(
                        "SGD clipped", config(OptimizerConfig.of(OptimizerKind.SGD, 0.01), 0.5)),
                Arguments.of(
                        "SGD weight decay",
                        config(
                                OptimizerConfig.of(OptimizerKind.SGD, 0.01).withWeightDecay(1e-3),
                                0.0)),
                Arguments.of(
                        "momentum", config(OptimizerConfig.of(OptimizerKind.MOMENTUM, 5e-4), 0)),
                Arguments.of(
                        "Adagrad", config(OptimizerConfig.of(OptimizerKind.ADAGRAD, 0.01), 0.0)),
                Arguments.of(
                        "Adam clipped", config(OptimizerConfig.of(OptimizerKind.ADAM, 1e-3), 1.0)),
                Arguments.of("MLP SGD", mlp(OptimizerConfig.of(OptimizerKind.SGD, 0.01), 0.0)),
                Arguments.of(
                        "MLP SGD clipped", mlp(OptimizerConfig.of(OptimizerKind.SGD, 0.01), 0.5)));
    }

    /** Linear 8-dimensional embeddings. */
    private static LearnerConfig config(OptimizerConfig optimizer, double clip) {
        return config(EncoderKind.LINEAR, 0, optimizer, clip);
    }

    /** An MLP with 16 hidden units and 8-dimensional embeddings. */
    private static LearnerConfig mlp(OptimizerConfig optimizer, double clip) {
        return config(EncoderKind.MLP, 16, optimizer, clip);
    }

    private static LearnerConfig config(
            EncoderKind kind, int hidden, OptimizerConfig optimizer, double clip) {
        return LearnerConfig.reference(3)
                .withEncoder(
                        new EncoderConfig(kind, 8, hidden, false, Initialization.PYTORCH_UNIFORM))
                .withOptimizer(optimizer)
                .withClipNorm(clip);
    }

    private static float[] vector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void assertClose(String what, double fused, double general) {
        assertClose(what, fused, general, RELATIVE);
    }

    private static void assertClose(String what, double fused, double general, double relative) {
        assertClose(what, fused, general, ABSOLUTE, relative);
    }

    private static void assertClose(
            String what, double fused, double general, double absolute, double relative) {
        double tolerance = absolute + relative * Math.abs(general);
        assertThat(Math.abs(fused - general)).as(what).isLessThanOrEqualTo(tolerance);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void theFusedPathLearnsWhatTheGeneralPathLearns(String name, LearnerConfig config) {
        boolean mlp = config.encoder().kind() == EncoderKind.MLP;
        OnlineLearner fused = OnlineLearner.create(config, DIM);
        OnlineLearner general = OnlineLearner.create(config, DIM);
        general.forceGeneralPath = true;
        SplittableRandom random = new SplittableRandom(17);
        double worstParam = 0;
        int fusedPairs = 0;
        for (int i = 0; i < PAIRS; i++) {
            float[] a = vector(random, DIM);
            float[] b = vector(random, DIM);
            if (random.nextBoolean()) {
                // SAME pairs lie close together, as in a real stream.
                for (int k = 0; k < DIM; k++) {
                    b[k] = a[k] + 0.1f * b[k];
                }
            }
            PairLabel label =
                    random.nextInt(4) == 0
                            ? null
                            : (i % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT);
            PairResult f = fused.process(a, b, label);
            fusedPairs += fused.lastPairFused() ? 1 : 0;
            assertThat(general.lastPairFused()).isFalse();
            double fValue = f.value();
            double fLoss = f.loss();
            double fNorm = f.gradientNorm();
            UpdateOutcome fOutcome = f.outcome();
            PairResult g = general.process(a, b, label);
            assertClose(name + " distance of pair " + i, fValue, g.value());
            assertThat(fOutcome).as("outcome of pair " + i).isEqualTo(g.outcome());
            if (label != null) {
                assertClose(name + " loss of pair " + i, fLoss, g.loss());
                assertClose(
                        name + " gradient norm of pair " + i,
                        fNorm,
                        g.gradientNorm(),
                        mlp ? MLP_NORM_ABSOLUTE : ABSOLUTE,
                        mlp ? MLP_NORM_RELATIVE : RELATIVE);
            }
        }
        float[] pf = fused.parametersCopy();
        float[] pg = general.parametersCopy();
        for (int i = 0; i < pf.length; i++) {
            assertClose(name + " parameter " + i, pf[i], pg[i]);
            worstParam = Math.max(worstParam, Math.abs(pf[i] - pg[i]));
        }
        assertThat(fused.modelVersion()).isEqualTo(general.modelVersion()).isPositive();
        assertThat(fusedPairs).as("pairs on the fused path").isEqualTo(PAIRS);
        System.out.printf("%s: largest parameter difference %.3g%n", name, worstParam);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void aSkippedUpdateLeavesParametersAndStateBitIdentical(String name, LearnerConfig base) {
        // An MLP's hidden layer overflows first at large inputs (its pairs then take the general
        // path); a rate far beyond any use makes its own steps overflow instead.
        boolean mlp = base.encoder().kind() == EncoderKind.MLP;
        for (boolean general : new boolean[] {false, true}) {
            OnlineLearner learner =
                    OnlineLearner.create(
                            base.withOptimizer(base.optimizer().withLearningRate(mlp ? 1e30 : 1e6))
                                    .withClipNorm(0.0),
                            DIM);
            learner.forceGeneralPath = general;
            SplittableRandom random = new SplittableRandom(4);
            int skipped = 0;
            int rolledBack = 0;
            for (int i = 0; i < 3000; i++) {
                float[] a = vector(random, DIM);
                float[] b = vector(random, DIM);
                // Items up to 1e10 make gradients near 1e20, whose squares overflow float.
                float scale = SCALES[random.nextInt(SCALES.length)];
                for (int k = 0; k < DIM; k++) {
                    a[k] *= scale;
                }
                float[] params = learner.parametersCopy();
                float[] state = learner.optimizerState.clone();
                PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
                PairResult r = learner.process(a, b, label);
                for (float p : learner.parametersCopy()) {
                    assertThat(Float.isFinite(p)).isTrue();
                }
                for (float s : learner.optimizerState) {
                    assertThat(Float.isFinite(s)).isTrue();
                }
                if (r.outcome().skipped()) {
                    skipped++;
                    if (r.outcome() == UpdateOutcome.SKIPPED_NON_FINITE_PARAMETERS) {
                        rolledBack++;
                    }
                    // Arrays of floats compare by their bits: -0 differs from 0, NaN equals NaN.
                    assertThat(learner.parametersCopy()).as("pair " + i).isEqualTo(params);
                    assertThat(learner.optimizerState).as("pair " + i).isEqualTo(state);
                }
            }
            String path = name + (general ? " general" : " fused");
            assertThat(rolledBack).as(path + " rolled back").isPositive();
            assertThat(learner.modelVersion()).as(path + " applied").isPositive();
            System.out.printf("%s: %d skipped, %d rolled back%n", path, skipped, rolledBack);
        }
    }
}
