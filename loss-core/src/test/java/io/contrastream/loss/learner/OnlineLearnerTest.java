package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnlineLearnerTest {

    private static final int DIM = 8;

    private static float[] vector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    private static LearnerConfig linear(OptimizerKind kind, double rate) {
        return LearnerConfig.reference(7)
                .withEncoder(
                        new EncoderConfig(
                                EncoderKind.LINEAR, 4, 0, false, Initialization.PYTORCH_UNIFORM))
                .withOptimizer(OptimizerConfig.of(kind, rate));
    }

    @Test
    void scoreChangesNothing() {
        OnlineLearner learner = OnlineLearner.create(linear(OptimizerKind.ADAM, 0.01), DIM);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            learner.process(vector(random, DIM), vector(random, DIM), PairLabel.SAME);
        }
        byte[] before = LearnerState.toBytes(learner);
        PairResult r = learner.score(vector(random, DIM), vector(random, DIM));
        assertThat(r.outcome()).isEqualTo(UpdateOutcome.NOT_LABELLED);
        assertThat(LearnerState.toBytes(learner)).isEqualTo(before);
    }

    @Test
    void learnScoresBeforeItsOwnUpdate() {
        OnlineLearner learner = OnlineLearner.create(linear(OptimizerKind.SGD, 0.05), DIM);
        SplittableRandom random = new SplittableRandom(2);
        float[] a = vector(random, DIM);
        float[] b = vector(random, DIM);
        double before = learner.score(a, b).value();
        PairResult r = learner.learn(a, b, PairLabel.SAME);
        assertThat(r.value()).isEqualTo(before);
        assertThat(r.modelVersion()).isZero();
        assertThat(r.outcome()).isEqualTo(UpdateOutcome.APPLIED);
        assertThat(r.loss())
                .isEqualTo(ContrastiveLoss.euclidean(2.0, 0).loss(PairLabel.SAME, before));
        assertThat(learner.modelVersion()).isEqualTo(1);
        // A SAME pair is pulled together by the step.
        assertThat(learner.score(a, b).value()).isLessThan(before);
    }

    @Test
    void unlabelledPairsAreScoredNotLearned() {
        OnlineLearner learner = OnlineLearner.create(linear(OptimizerKind.SGD, 0.05), DIM);
        SplittableRandom random = new SplittableRandom(3);
        float[] params = learner.parametersCopy();
        PairResult r = learner.process(vector(random, DIM), vector(random, DIM), null);
        assertThat(r.outcome()).isEqualTo(UpdateOutcome.NOT_LABELLED);
        assertThat(r.loss()).isNaN();
        assertThat(learner.parametersCopy()).isEqualTo(params);
        assertThat(learner.events()).isEqualTo(1);
        assertThat(learner.labelledEvents()).isZero();
        assertThat(learner.modelVersion()).isZero();
    }

    @Test
    void badFeaturesAreRejectedBeforeAnythingChanges() {
        OnlineLearner learner = OnlineLearner.create(linear(OptimizerKind.SGD, 0.05), DIM);
        byte[] before = LearnerState.toBytes(learner);
        float[] good = new float[DIM];
        assertThatThrownBy(() -> learner.process(new float[DIM - 1], good, PairLabel.SAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("left features have 7 values, the model expects 8");
        float[] nan = new float[DIM];
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> learner.process(good, nan, PairLabel.SAME))
                .hasMessageContaining("right features hold NaN at index 3");
        float[] inf = new float[DIM];
        inf[0] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> learner.score(inf, good)).hasMessageContaining("-Infinity");
        assertThatThrownBy(() -> learner.learn(good, good, null)).hasMessageContaining("label");
        assertThatThrownBy(() -> learner.process(good, new float[DIM + 1], PairLabel.SAME))
                .hasMessage("right features have 9 values, the model expects 8");
        assertThatThrownBy(() -> learner.process(null, nan, null))
                .hasMessage("left features are missing");
        assertThat(LearnerState.toBytes(learner)).isEqualTo(before);
    }

    /**
     * Long enough for the vector kernels' check (a maximum over the magnitudes' bits): whichever
     * item holds the bad value, or both, the message names the first bad side and the index.
     */
    @Test
    void aBadValueInEitherItemOfALongPairIsNamed() {
        int dim = 64;
        OnlineLearner learner = OnlineLearner.create(linear(OptimizerKind.SGD, 0.05), dim);
        byte[] before = LearnerState.toBytes(learner);
        float[] good = new float[dim];
        float[] nan = new float[dim];
        nan[40] = Float.NaN;
        float[] inf = new float[dim];
        inf[63] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> learner.process(good, nan, PairLabel.SAME))
                .hasMessage("right features hold NaN at index 40; values must be finite");
        assertThatThrownBy(() -> learner.process(inf, good, PairLabel.DIFFERENT))
                .hasMessage("left features hold Infinity at index 63; values must be finite");
        assertThatThrownBy(() -> learner.process(inf, nan, null))
                .hasMessageStartingWith("left features hold Infinity");
        assertThatThrownBy(() -> learner.score(good, inf))
                .hasMessageStartingWith("right features hold Infinity");
        assertThat(LearnerState.toBytes(learner)).isEqualTo(before);
        learner.process(good, good, PairLabel.SAME);
        assertThat(learner.events()).isEqualTo(1);
    }

    @Test
    void anAbsurdLearningRateNeverMakesParametersNonFinite() {
        OnlineLearner learner = OnlineLearner.create(linear(OptimizerKind.SGD, 1e6), DIM);
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 2000; i++) {
            PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            learner.process(vector(random, DIM), vector(random, DIM), label);
            for (float p : learner.parametersCopy()) {
                assertThat(Float.isFinite(p)).isTrue();
            }
        }
        assertThat(learner.updatesSkipped()).isPositive();
        assertThat(learner.modelVersion() + learner.updatesSkipped()).isEqualTo(2000);
        assertThat(learner.window().skippedUpdateCount()).isEqualTo(learner.updatesSkipped());
    }

    @Test
    void aLearnerCreatedFromParametersContinuesAsTheOneTheyCameFrom() {
        OnlineLearner original = OnlineLearner.create(linear(OptimizerKind.SGD, 0.01), DIM);
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 100; i++) {
            original.process(vector(random, DIM), vector(random, DIM), PairLabel.SAME);
        }
        OnlineLearner copy =
                OnlineLearner.createFrom(original.config(), DIM, original.parametersCopy());

        assertThat(copy.modelVersion()).isZero();
        assertThat(copy.parametersCopy()).containsExactly(original.parametersCopy());
        // Plain SGD keeps no optimiser state: the two now learn alike, bit for bit.
        for (int i = 0; i < 100; i++) {
            float[] a = vector(random, DIM);
            float[] b = vector(random, DIM);
            PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            assertThat(copy.process(a, b, label).dissimilarity())
                    .isEqualTo(original.process(a, b, label).dissimilarity());
        }
        assertThatThrownBy(() -> OnlineLearner.createFrom(original.config(), DIM, new float[3]))
                .hasMessageContaining("3 were given");
        float[] bad = original.parametersCopy();
        bad[5] = Float.NaN;
        assertThatThrownBy(() -> OnlineLearner.createFrom(original.config(), DIM, bad))
                .hasMessageContaining("parameter 5 is NaN");
    }

    @Test
    void aLabelledPairWhoseDistanceOverflowsCountsAsASkippedUpdateInTheWindow() {
        // Linear 2 -> 32: some row has |w1 + w2| > 1, so W x overflows float at these inputs.
        LearnerConfig config = LearnerConfig.reference(1);
        OnlineLearner learner = OnlineLearner.create(config, 2);
        float big = Float.MAX_VALUE;
        PairResult r =
                learner.process(new float[] {big, big}, new float[] {-big, -big}, PairLabel.SAME);

        assertThat(r.outcome()).isEqualTo(UpdateOutcome.SKIPPED_NON_FINITE_LOSS);
        assertThat(learner.window().skippedUpdateCount()).isEqualTo(1);
        assertThat(learner.window().count()).as("no distance to record").isZero();
        learner.process(new float[] {big, big}, new float[] {-big, -big}, null);
        assertThat(learner.window().skippedUpdateCount()).as("unlabelled: no update").isEqualTo(1);
    }

    @Test
    void clippingBoundsTheStep() {
        double clip = 0.01;
        double rate = 0.1;
        OnlineLearner learner =
                OnlineLearner.create(linear(OptimizerKind.SGD, rate).withClipNorm(clip), DIM);
        SplittableRandom random = new SplittableRandom(5);
        float[] a = vector(random, DIM);
        float[] b = vector(random, DIM);
        float[] before = learner.parametersCopy();
        PairResult r = learner.learn(a, b, PairLabel.SAME);
        assertThat(r.gradientNorm()).isGreaterThan(clip); // reported before clipping
        float[] after = learner.parametersCopy();
        double step = 0;
        for (int i = 0; i < after.length; i++) {
            step += Math.pow((double) after[i] - before[i], 2);
        }
        assertThat(Math.sqrt(step)).isCloseTo(rate * clip, within(1e-6));
    }

    @Test
    void identityEncoderScoresTheInputsThemselves() {
        LearnerConfig config =
                LearnerConfig.reference(1)
                        .withEncoder(
                                new EncoderConfig(
                                        EncoderKind.IDENTITY,
                                        1,
                                        0,
                                        false,
                                        Initialization.PYTORCH_UNIFORM));
        OnlineLearner learner = OnlineLearner.create(config, 2);
        PairResult r = learner.learn(new float[] {0, 0}, new float[] {3, 4}, PairLabel.DIFFERENT);
        assertThat(r.value()).isCloseTo(5.0, within(1e-6));
        assertThat(r.loss()).isEqualTo(0.0); // beyond the margin of 2
        assertThat(r.outcome()).isEqualTo(UpdateOutcome.APPLIED);
        assertThat(learner.embeddingDim()).isEqualTo(2);
    }

    @Test
    void cosineResultsCarryTheSimilarity() {
        LearnerConfig config =
                linear(OptimizerKind.SGD, 0.01).withLoss(ContrastiveLoss.Form.COSINE, 0.2);
        OnlineLearner learner = OnlineLearner.create(config, DIM);
        SplittableRandom random = new SplittableRandom(6);
        PairResult r = learner.learn(vector(random, DIM), vector(random, DIM), PairLabel.SAME);
        assertThat(r.similarity()).isEqualTo(r.value());
        assertThat(r.dissimilarity()).isCloseTo(1 - r.value(), within(1e-15));
        assertThat(r.similarity()).isBetween(-1.0, 1.0);
    }

    @Test
    void processAllocatesNothingPerCall() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OnlineLearner learner =
                OnlineLearner.create(
                        LearnerConfig.reference(1)
                                .withEncoder(
                                        new EncoderConfig(
                                                EncoderKind.MLP,
                                                8,
                                                16,
                                                true,
                                                Initialization.HE_NORMAL))
                                .withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 1e-3))
                                .withThreshold(ThresholdPolicy.auto()),
                        DIM);
        SplittableRandom random = new SplittableRandom(7);
        float[][] inputs = new float[64][];
        for (int i = 0; i < inputs.length; i++) inputs[i] = vector(random, DIM);
        PairLabel[] labels = {PairLabel.SAME, PairLabel.DIFFERENT, null};
        for (int i = 0; i < 20_000; i++) { // warm up, fill the calibrator's ring
            learner.process(inputs[i % 64], inputs[(i * 7 + 3) % 64], labels[i % 3]);
        }
        long thread = Thread.currentThread().getId();
        // The Vector API kernels allocate until C2 has compiled them, which on a busy machine
        // can outlast the warm-up: more rounds until one allocates (almost) nothing, at most 20;
        // a steady-state allocation still fails the measured round below.
        for (int round = 0; round < 20; round++) {
            long start = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++) {
                learner.process(inputs[i % 64], inputs[(i * 7 + 3) % 64], labels[i % 3]);
            }
            if (threads.getThreadAllocatedBytes(thread) - start < 16_000) {
                break;
            }
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            learner.process(inputs[i % 64], inputs[(i * 7 + 3) % 64], labels[i % 3]);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // The calibrator re-sorts its ring every so often; everything else allocates nothing.
        // 10,000 calls allocating even 16 bytes each would show as 160 KB.
        assertThat(allocated).isLessThan(16_000);
    }

    /**
     * Identity encoder, so the loss is the data's own: SAME pairs whose noise shrinks (the loss
     * falls, as it does while a model learns: never reported), then SAME pairs far apart (the loss
     * jumps: reported by ADWIN within a few clock periods).
     */
    @Test
    void driftIsReportedForRisesOfTheLossOnly() {
        LearnerConfig config =
                LearnerConfig.reference(1)
                        .withEncoder(
                                new EncoderConfig(
                                        EncoderKind.IDENTITY,
                                        1,
                                        0,
                                        false,
                                        Initialization.PYTORCH_UNIFORM))
                        .withDrift(DriftPolicy.adwin());
        OnlineLearner learner = OnlineLearner.create(config, DIM);
        SplittableRandom random = new SplittableRandom(8);
        float[] anchor = vector(random, DIM);
        for (int i = 0; i < 4000; i++) {
            double noise = 0.5 * Math.pow(0.1, i / 4000.0); // 0.5 falling to 0.05
            float[] near = anchor.clone();
            for (int k = 0; k < DIM; k++) near[k] += (float) (noise * random.nextGaussian());
            assertThat(learner.process(anchor, near, PairLabel.SAME).driftDetected()).isFalse();
        }
        int firstAlarm = -1;
        for (int i = 0; i < 3000 && firstAlarm < 0; i++) {
            float[] far = anchor.clone();
            for (int k = 0; k < DIM; k++) far[k] += (float) (0.5 * random.nextGaussian());
            if (learner.process(anchor, far, PairLabel.SAME).driftDetected()) {
                firstAlarm = i;
            }
        }
        assertThat(firstAlarm).isBetween(0, 200);
        assertThat(learner.driftDetections()).isEqualTo(1);
    }
}
