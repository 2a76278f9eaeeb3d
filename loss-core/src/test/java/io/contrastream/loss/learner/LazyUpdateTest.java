package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused paths write each SGD update lazily, in the next pair's pass over the weights (all of
 * {@code W} for a linear model, the first layer's for an MLP). Whoever reads the model in between
 * must see it as it stands: a learner read (settled) after every pair, one serialised and restored
 * along the way, and one that switches to the general path must all follow, bit for bit, the
 * trajectory of a learner left alone; and two threads serialising the same learner at once (the
 * heap backend's copy beside an asynchronous snapshot) must both write the settled model.
 */
class LazyUpdateTest {

    private static final int DIM = 64;

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("linear 64 -> 32", config(EncoderKind.LINEAR, 0)),
                Arguments.of("MLP 64 -> 48 -> 32", config(EncoderKind.MLP, 48)));
    }

    private static LearnerConfig config(EncoderKind kind, int hidden) {
        return LearnerConfig.reference(11)
                .withEncoder(
                        new EncoderConfig(kind, 32, hidden, false, Initialization.PYTORCH_UNIFORM))
                .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 1e-2))
                .withClipNorm(5.0);
    }

    /** Pairs of a fixed stream: left, right, label (null for every fifth). */
    private static List<Object[]> pairs(int count) {
        SplittableRandom random = new SplittableRandom(5);
        List<Object[]> pairs = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            float[] a = new float[DIM];
            float[] b = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                a[i] = (float) random.nextGaussian();
                b[i] = random.nextInt(3) == 0 ? a[i] + 0.1f : (float) random.nextGaussian();
            }
            PairLabel label =
                    n % 5 == 4 ? null : random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            pairs.add(new Object[] {a, b, label});
        }
        return pairs;
    }

    private static String line(PairResult r) {
        return Double.doubleToLongBits(r.value())
                + ","
                + Double.doubleToLongBits(r.loss())
                + ","
                + Double.doubleToLongBits(r.gradientNorm())
                + ","
                + r.outcome()
                + ","
                + r.modelVersion();
    }

    private interface Between {
        OnlineLearner after(int pair, OnlineLearner learner) throws Exception;
    }

    private static List<String> trajectory(
            LearnerConfig config, List<Object[]> pairs, Between between) throws Exception {
        OnlineLearner learner = OnlineLearner.create(config, DIM);
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < pairs.size(); n++) {
            Object[] p = pairs.get(n);
            lines.add(line(learner.process((float[]) p[0], (float[]) p[1], (PairLabel) p[2])));
            learner = between.after(n, learner);
        }
        lines.add(java.util.HexFormat.of().formatHex(LearnerState.toBytes(learner)));
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void readersBetweenPairsSeeTheModelAsItStandsAndChangeNothing(String name, LearnerConfig config)
            throws Exception {
        List<Object[]> pairs = pairs(3000);
        List<String> alone = trajectory(config, pairs, (n, learner) -> learner);
        List<String> read =
                trajectory(
                        config,
                        pairs,
                        (n, learner) -> {
                            learner.parametersCopy();
                            learner.parameterNorm();
                            return learner;
                        });
        List<String> restored =
                trajectory(
                        config,
                        pairs,
                        (n, learner) ->
                                n % 97 == 0
                                        ? LearnerState.fromBytes(LearnerState.toBytes(learner))
                                        : learner);
        List<String> switching =
                trajectory(
                        config,
                        pairs,
                        (n, learner) -> {
                            // The general path for a stretch, then the fused path again.
                            learner.forceGeneralPath = n >= 1000 && n < 1010;
                            return learner;
                        });
        assertThat(read).isEqualTo(alone);
        assertThat(restored).isEqualTo(alone);
        // The general path rounds differently from the fused one, so that trajectory differs
        // from its first general pair (1001) on; up to it, it must not. (That the general path
        // scores on the settled weights: the next test.)
        assertThat(switching.subList(0, 1001)).isEqualTo(alone.subList(0, 1001));
        assertThat(switching.get(1001)).isNotEqualTo(alone.get(1001));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void theGeneralPathScoresWithTheUpdateOfThePairBefore(String name, LearnerConfig config) {
        List<Object[]> pairs = pairs(2);
        OnlineLearner lazy = OnlineLearner.create(config, DIM);
        OnlineLearner settled = OnlineLearner.create(config, DIM);
        Object[] first = pairs.get(0);
        lazy.process((float[]) first[0], (float[]) first[1], PairLabel.DIFFERENT);
        settled.process((float[]) first[0], (float[]) first[1], PairLabel.DIFFERENT);
        settled.settle();
        lazy.forceGeneralPath = true;
        settled.forceGeneralPath = true;
        Object[] second = pairs.get(1);
        double lazyScore = lazy.score((float[]) second[0], (float[]) second[1]).value();
        double settledScore = settled.score((float[]) second[0], (float[]) second[1]).value();
        assertThat(lazyScore).isEqualTo(settledScore);
        // The first pair's update was applied (version 1), so there was an update to settle.
        assertThat(lazy.score((float[]) first[0], (float[]) first[1]).modelVersion()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void twoThreadsSerialisingOneLearnerBothWriteTheSettledModel(String name, LearnerConfig config)
            throws Exception {
        List<Object[]> pairs = pairs(400);
        OnlineLearner shared = OnlineLearner.create(config, DIM);
        OnlineLearner twin = OnlineLearner.create(config, DIM);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (Object[] p : pairs) {
                shared.process((float[]) p[0], (float[]) p[1], PairLabel.DIFFERENT);
                twin.process((float[]) p[0], (float[]) p[1], PairLabel.DIFFERENT);
                byte[] expected = LearnerState.toBytes(twin);
                CountDownLatch start = new CountDownLatch(1);
                Future<byte[]> one = threads.submit(() -> awaitThenWrite(start, shared));
                Future<byte[]> two = threads.submit(() -> awaitThenWrite(start, shared));
                start.countDown();
                assertThat(one.get()).isEqualTo(expected);
                assertThat(two.get()).isEqualTo(expected);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static byte[] awaitThenWrite(CountDownLatch start, OnlineLearner learner)
            throws Exception {
        start.await();
        return LearnerState.toBytes(learner);
    }
}
