package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.scale.Standardization;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The learner with input standardisation and learning-rate schedules. */
class StandardizedLearnerTest {

    private static final int DIM = 8;

    private static LearnerConfig mlp(Standardization standardization) {
        return LearnerConfig.reference(3)
                .withEncoder(
                        new EncoderConfig(
                                EncoderKind.MLP, 4, 16, false, Initialization.PYTORCH_UNIFORM))
                .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 1e-2))
                .withClipNorm(10)
                .withStandardization(standardization);
    }

    /** Two clusters per pair: SAME pairs from one, DIFFERENT from both, in units scale/shift. */
    private static float[][] pair(SplittableRandom random, boolean same, float scale, float shift) {
        float[][] xy = new float[2][DIM];
        int a = random.nextInt(2);
        int b = same ? a : 1 - a;
        for (int k = 0; k < DIM; k++) {
            xy[0][k] = (float) ((a + 0.3 * random.nextGaussian()) * (k + 1)) * scale + shift;
            xy[1][k] = (float) ((b + 0.3 * random.nextGaussian()) * (k + 1)) * scale + shift;
        }
        return xy;
    }

    @Test
    void rawSensorUnitsLearnTheSameModelAsUnitFeatures() {
        Standardization policy = new Standardization(Standardization.Mode.DECAYING, 500, 1.0);
        OnlineLearner unit = OnlineLearner.create(mlp(policy), DIM);
        OnlineLearner sensor = OnlineLearner.create(mlp(policy), DIM);
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        for (int i = 0; i < 3000; i++) {
            boolean same = i % 2 == 0;
            PairLabel label = same ? PairLabel.SAME : PairLabel.DIFFERENT;
            float[][] u = pair(r1, same, 1f, 0f);
            float[][] s = pair(r2, same, 1000f, 50f);
            double du = unit.process(u[0], u[1], label).dissimilarity();
            double ds = sensor.process(s[0], s[1], label).dissimilarity();
            assertThat(ds).as("pair %d", i).isCloseTo(du, within(1e-2 * Math.max(1, du)));
        }
        // And it learned: held-out SAME pairs sit closer than DIFFERENT ones.
        SplittableRandom held = new SplittableRandom(8);
        double same = 0;
        double different = 0;
        for (int i = 0; i < 200; i++) {
            float[][] p = pair(held, i % 2 == 0, 1000f, 50f);
            double d = sensor.score(p[0], p[1]).dissimilarity();
            if (i % 2 == 0) {
                same += d;
            } else {
                different += d;
            }
        }
        assertThat(same * 3).isLessThan(different);
    }

    @Test
    void unlabelledPairsAndScoringNeverMoveTheStatistics() {
        OnlineLearner learner = OnlineLearner.create(mlp(Standardization.decaying()), DIM);
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 50; i++) {
            float[][] p = pair(random, true, 1f, 0f);
            learner.learn(p[0], p[1], PairLabel.SAME);
        }
        double[][] before = learner.standardizationCopy();
        for (int i = 0; i < 50; i++) {
            float[][] p = pair(random, false, 5f, 3f);
            learner.process(p[0], p[1], null);
            learner.score(p[0], p[1]);
            learner.embed(p[0], new float[4]);
        }
        assertThat(learner.standardizationCopy()).isEqualTo(before);
    }

    @Test
    void aWarmStartPinsTheTransformItWasTrainedWith() {
        OnlineLearner trained = OnlineLearner.create(mlp(Standardization.decaying()), DIM);
        SplittableRandom random = new SplittableRandom(10);
        for (int i = 0; i < 300; i++) {
            float[][] p = pair(random, i % 2 == 0, 2f, 1f);
            trained.learn(p[0], p[1], i % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
        double[][] stats = trained.standardizationCopy();
        // Started from the file's parameters and statistics, the copy embeds exactly as the
        // original, even under a configuration that does not standardise.
        OnlineLearner copy =
                OnlineLearner.createFrom(
                        mlp(Standardization.none()),
                        DIM,
                        trained.parametersCopy(),
                        stats[0],
                        stats[1]);
        float[] x = pair(random, true, 2f, 1f)[0];
        float[] a = new float[4];
        float[] b = new float[4];
        trained.embed(x, a);
        copy.embed(x, b);
        assertThat(b).containsExactly(a);
        // Learning goes on; the transform stays where it was pinned.
        float[][] p = pair(random, true, 2f, 1f);
        copy.learn(p[0], p[1], PairLabel.SAME);
        assertThat(copy.standardizationCopy()).isEqualTo(stats);

        // Without statistics, a standardising configuration takes the file's raw inputs as they
        // come: it scores as a model that never standardised.
        OnlineLearner raw =
                OnlineLearner.createFrom(
                        mlp(Standardization.decaying()), DIM, trained.parametersCopy());
        OnlineLearner plain =
                OnlineLearner.createFrom(
                        mlp(Standardization.none()), DIM, trained.parametersCopy());
        for (int i = 0; i < 20; i++) {
            float[][] q = pair(random, i % 2 == 0, 2f, 1f);
            PairLabel label = i % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT;
            assertThat(raw.learn(q[0], q[1], label).value())
                    .isEqualTo(plain.learn(q[0], q[1], label).value());
        }
    }

    @Test
    void theScheduleSetsEachStepsRate() {
        // Warm-up of 4: the first update is taken at a quarter of the base rate, exactly.
        LearnerConfig base =
                LearnerConfig.reference(5)
                        .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 0.1));
        OnlineLearner warming =
                OnlineLearner.create(
                        base.withSchedule(
                                new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, 4)),
                        DIM);
        OnlineLearner quarter =
                OnlineLearner.create(
                        base.withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 0.025)), DIM);
        float[][] p = pair(new SplittableRandom(11), false, 1f, 0f);
        warming.learn(p[0], p[1], PairLabel.SAME);
        quarter.learn(p[0], p[1], PairLabel.SAME);
        assertThat(warming.modelVersion()).isEqualTo(1);
        assertThat(warming.parametersCopy()).containsExactly(quarter.parametersCopy());
        assertThat(warming.parametersCopy())
                .isNotEqualTo(OnlineLearner.create(base, DIM).parametersCopy());
    }
}
