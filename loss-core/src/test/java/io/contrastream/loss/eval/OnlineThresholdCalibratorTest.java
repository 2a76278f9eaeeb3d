package io.contrastream.loss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.eval.OnlineThresholdCalibrator.Objective;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnlineThresholdCalibratorTest {

    @Test
    void fixedThresholdIgnoresDataAndMarginHalfHalves() {
        FixedThreshold fixed = FixedThreshold.marginHalf(1.5);
        assertThat(fixed.threshold()).isEqualTo(0.75);
        fixed.observe(10, PairLabel.SAME);
        assertThat(fixed.threshold()).isEqualTo(0.75);
        assertThatThrownBy(() -> fixed.observe(Double.NaN, PairLabel.SAME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedThreshold.marginHalf(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new FixedThreshold(0.7), StateRoundTrip.bytes(fixed)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("threshold");
    }

    @ParameterizedTest
    @EnumSource(Objective.class)
    void separableDataAreSeparated(Objective objective) {
        OnlineThresholdCalibrator calibrator =
                new OnlineThresholdCalibrator(objective, 200, 20, 50, 5.0);
        Random random = new Random(1);
        double maxSame = 0;
        double minDifferent = Double.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            double same = 0.5 * random.nextDouble(); // [0, 0.5)
            double different = 0.8 + random.nextDouble(); // [0.8, 1.8)
            calibrator.observe(same, PairLabel.SAME);
            calibrator.observe(different, PairLabel.DIFFERENT);
            maxSame = Math.max(maxSame, same);
            minDifferent = Math.min(minDifferent, different);
        }
        assertThat(calibrator.threshold()).isGreaterThan(maxSame).isLessThanOrEqualTo(minDifferent);
        assertThat(calibrator.objectiveValue()).isEqualTo(1.0);
    }

    @Test
    void initialThresholdUntilMinimumLabelled() {
        OnlineThresholdCalibrator calibrator =
                new OnlineThresholdCalibrator(Objective.BALANCED_ACCURACY, 100, 10, 50, 7.0);
        for (int i = 0; i < 49; i++) {
            calibrator.observe(
                    i % 2 == 0 ? 0.1 : 0.9, i % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT);
            assertThat(calibrator.threshold()).isEqualTo(7.0);
        }
        assertThat(calibrator.objectiveValue()).isNaN();
        calibrator.observe(0.9, PairLabel.DIFFERENT);
        assertThat(calibrator.threshold()).isBetween(0.1, 0.9);
        assertThat(calibrator.refreshCount()).isEqualTo(1);
    }

    @Test
    void oneClassKeepsThePreviousThreshold() {
        OnlineThresholdCalibrator calibrator =
                new OnlineThresholdCalibrator(Objective.F1_SAME, 10, 1, 5, 0.3);
        for (int i = 0; i < 20; i++) {
            calibrator.observe(0.1 * i, PairLabel.SAME);
        }
        assertThat(calibrator.threshold()).isEqualTo(0.3);
        assertThat(calibrator.refreshCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Objective.class)
    void overlappingGaussiansMatchBruteForce(Objective objective) {
        int capacity = 300;
        OnlineThresholdCalibrator calibrator =
                new OnlineThresholdCalibrator(objective, capacity, 25, 50, 0.5);
        Random random = new Random(17 + objective.ordinal());
        int total = 400; // (400 - 50) % 25 == 0: the last observation refreshes
        double[] values = new double[total];
        boolean[] same = new boolean[total];
        for (int i = 0; i < total; i++) {
            same[i] = random.nextInt(3) != 0;
            // rounded to 2 decimals so that ties between and within classes occur
            values[i] =
                    Math.round(100 * Math.abs((same[i] ? 0.5 : 0.8) + 0.25 * random.nextGaussian()))
                            / 100.0;
            calibrator.observe(values[i], same[i] ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
        double[] window = Arrays.copyOfRange(values, total - capacity, total);
        boolean[] windowSame = Arrays.copyOfRange(same, total - capacity, total);

        // Brute force: every candidate, each scored by a full pass; first strict maximum wins.
        TreeSet<Double> distinct = new TreeSet<>();
        for (double v : window) {
            distinct.add(v);
        }
        Double[] sorted = distinct.toArray(new Double[0]);
        double[] candidates = new double[sorted.length + 1];
        candidates[0] = sorted[0];
        for (int k = 0; k + 1 < sorted.length; k++) {
            candidates[k + 1] = (sorted[k] + sorted[k + 1]) / 2;
        }
        candidates[sorted.length] = Math.nextUp(sorted[sorted.length - 1]);
        long[] best = null;
        double bestThreshold = Double.NaN;
        for (double t : candidates) {
            long[] score = score(objective, window, windowSame, t);
            if (best == null || score[0] * best[1] > best[0] * score[1]) {
                best = score;
                bestThreshold = t;
            }
        }
        // The same split of the data as the first (smallest) best candidate; the exact midpoint
        // formula is the implementation's business.
        for (double v : window) {
            assertThat(v < calibrator.threshold()).isEqualTo(v < bestThreshold);
        }
        assertThat(calibrator.objectiveValue()).isEqualTo((double) best[0] / best[1]);
        // And no threshold on a fine grid does better.
        for (int g = 0; g <= 2000; g++) {
            long[] score = score(objective, window, windowSame, g * 0.001);
            assertThat(score[0] * best[1]).isLessThanOrEqualTo(best[0] * score[1]);
        }
        assertThat(calibrator.objectiveValue()).isLessThan(1.0); // the classes really overlap
    }

    /** The objective at threshold {@code t} as {numerator, denominator}, by a full pass. */
    private static long[] score(Objective objective, double[] values, boolean[] same, double t) {
        long sameBelow = 0, sameAbove = 0, differentBelow = 0, differentAbove = 0;
        for (int i = 0; i < values.length; i++) {
            boolean predictedSame = values[i] < t;
            if (same[i]) {
                if (predictedSame) sameBelow++;
                else sameAbove++;
            } else {
                if (predictedSame) differentBelow++;
                else differentAbove++;
            }
        }
        switch (objective) {
            case F1_SAME:
                return new long[] {2 * sameBelow, 2 * sameBelow + differentBelow + sameAbove};
            case F1_DIFFERENT:
                return new long[] {
                    2 * differentAbove, 2 * differentAbove + sameAbove + differentBelow
                };
            default:
                long p = sameBelow + sameAbove;
                long n = differentBelow + differentAbove;
                // (sameBelow / p + differentAbove / n) / 2
                return new long[] {sameBelow * n + differentAbove * p, 2 * p * n};
        }
    }

    @Test
    void theRingForgetsSoTheThresholdFollowsAShift() {
        OnlineThresholdCalibrator calibrator =
                new OnlineThresholdCalibrator(Objective.BALANCED_ACCURACY, 200, 20, 50, 1.0);
        Random random = new Random(5);
        for (int i = 0; i < 400; i++) {
            calibrator.observe(0.2 * random.nextDouble(), PairLabel.SAME); // [0, 0.2)
            calibrator.observe(0.4 + 0.2 * random.nextDouble(), PairLabel.DIFFERENT); // [0.4, 0.6)
        }
        assertThat(calibrator.threshold()).isBetween(0.2, 0.4);
        // 210 pairs: a refresh falls on the last one (1010 - 50 is a multiple of 20), when the
        // ring holds only the new regime
        for (int i = 0; i < 105; i++) {
            calibrator.observe(1.0 + 0.2 * random.nextDouble(), PairLabel.SAME); // [1.0, 1.2)
            calibrator.observe(1.4 + 0.2 * random.nextDouble(), PairLabel.DIFFERENT); // [1.4, 1.6)
        }
        assertThat(calibrator.windowSize()).isEqualTo(200);
        assertThat(calibrator.threshold()).isBetween(1.2, 1.4);
        assertThat(calibrator.objectiveValue()).isEqualTo(1.0);
    }

    @Test
    void refusesBadConfigurationAndNaN() {
        assertThatThrownBy(() -> new OnlineThresholdCalibrator(Objective.F1_SAME, 10, 1, 11, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimumLabelled");
        assertThatThrownBy(() -> new OnlineThresholdCalibrator(Objective.F1_SAME, 0, 1, 1, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnlineThresholdCalibrator(Objective.F1_SAME, 10, 0, 1, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                new OnlineThresholdCalibrator(
                                        Objective.F1_SAME, 10, 1, 1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        OnlineThresholdCalibrator calibrator =
                new OnlineThresholdCalibrator(Objective.F1_SAME, 0.5);
        assertThatThrownBy(() -> calibrator.observe(Double.NaN, PairLabel.SAME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(calibrator.observedCount()).isZero();
        assertThat(Objective.f1(PairLabel.DIFFERENT)).isEqualTo(Objective.F1_DIFFERENT);
    }

    @Test
    void stateRoundTripContinuesIdentically() throws IOException {
        Random random = new Random(8);
        OnlineThresholdCalibrator original =
                new OnlineThresholdCalibrator(Objective.F1_DIFFERENT, 100, 7, 30, 0.5);
        feed(original, random, 537); // the ring has wrapped around, mid-way between refreshes
        OnlineThresholdCalibrator restored =
                new OnlineThresholdCalibrator(Objective.F1_DIFFERENT, 100, 7, 30, 0.5);
        feed(restored, new Random(2), 40);
        StateRoundTrip.read(restored, StateRoundTrip.bytes(original));
        assertThat(restored.threshold()).isEqualTo(original.threshold());
        for (int i = 0; i < 300; i++) {
            double d = Math.abs(0.6 + 0.3 * random.nextGaussian());
            PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            original.observe(d, label);
            restored.observe(d, label);
            assertThat(restored.threshold()).isEqualTo(original.threshold());
            assertThat(restored.objectiveValue()).isEqualTo(original.objectiveValue());
        }
        assertThat(original.refreshCount()).isGreaterThan(40);
    }

    @Test
    void mismatchedOrCorruptStateIsRefusedAndLeavesTheInstanceUnchanged() {
        OnlineThresholdCalibrator original =
                new OnlineThresholdCalibrator(Objective.F1_DIFFERENT, 100, 7, 30, 0.5);
        feed(original, new Random(3), 150);
        byte[] bytes = StateRoundTrip.bytes(original);
        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new OnlineThresholdCalibrator(
                                                Objective.F1_DIFFERENT, 200, 7, 30, 0.5),
                                        bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("capacity = 100")
                .hasMessageContaining("capacity = 200");
        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new OnlineThresholdCalibrator(
                                                Objective.F1_SAME, 100, 7, 30, 0.5),
                                        bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("objective");
        OnlineThresholdCalibrator target =
                new OnlineThresholdCalibrator(Objective.F1_DIFFERENT, 100, 7, 30, 0.5);
        target.observe(0.3, PairLabel.SAME);
        assertThatThrownBy(() -> StateRoundTrip.read(target, StateRoundTrip.truncated(bytes, 9)))
                .isInstanceOf(IOException.class);
        assertThat(target.observedCount()).isEqualTo(1);
        assertThat(target.windowSize()).isEqualTo(1);
        assertThat(target.threshold()).isEqualTo(0.5);
    }

    private static void feed(OnlineThresholdCalibrator calibrator, Random random, int n) {
        for (int i = 0; i < n; i++) {
            boolean same = random.nextBoolean();
            calibrator.observe(
                    Math.abs((same ? 0.4 : 0.8) + 0.3 * random.nextGaussian()),
                    same ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
    }
}
