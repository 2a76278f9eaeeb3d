package io.contrastream.loss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.loss.PairLabel;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrequentialWindowTest {

    private static final double MARGIN = 1.0;

    /** Sums of a few hundred doubles in another order: relative tolerance of the means. */
    private static final double MEAN_TOLERANCE = 1e-12;

    @Test
    void handComputedWindow() {
        PrequentialWindow window = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        // threshold 0.5: predicted SAME iff D < 0.5; positive class DIFFERENT
        window.recordLabelled(0.2, PairLabel.SAME, 0.5, 0.02, 1.0, false); // TN
        window.recordLabelled(0.7, PairLabel.SAME, 0.5, 0.245, 3.0, false); // FP
        window.recordLabelled(0.4, PairLabel.DIFFERENT, 0.5, 0.18, 2.0, true); // FN, active
        window.recordLabelled(1.5, PairLabel.DIFFERENT, 0.5, 0.0, Double.NaN, true); // TP
        window.recordUnlabelled(0.9, 0.5); // predicted DIFFERENT: an alert
        window.recordUnlabelled(0.1, 0.5);

        assertThat(window.count()).isEqualTo(6);
        assertThat(window.labelledCount()).isEqualTo(4);
        assertThat(window.predictedPositiveCount()).isEqualTo(3);
        assertThat(window.predictedPositiveFraction()).isEqualTo(0.5);
        assertThat(window.meanLoss()).isCloseTo((0.02 + 0.245 + 0.18) / 4, within(1e-15));
        assertThat(window.meanSameDissimilarity()).isCloseTo(0.45, within(1e-15));
        assertThat(window.meanDifferentDissimilarity()).isCloseTo(0.95, within(1e-15));
        assertThat(window.activeNegativeFraction()).isEqualTo(0.5);
        assertThat(window.truePositives()).isEqualTo(1);
        assertThat(window.falsePositives()).isEqualTo(1);
        assertThat(window.trueNegatives()).isEqualTo(1);
        assertThat(window.falseNegatives()).isEqualTo(1);
        assertThat(window.accuracy()).isEqualTo(0.5);
        assertThat(window.precision()).isEqualTo(0.5);
        assertThat(window.recall()).isEqualTo(0.5);
        assertThat(window.f1()).isEqualTo(0.5);
        // pairs (same, diff): (0.2,0.4) 1, (0.2,1.5) 1, (0.7,0.4) 0, (0.7,1.5) 1 -> 3/4
        assertThat(window.auc()).isEqualTo(0.75);
        assertThat(window.aucErrorBound()).isZero();
        assertThat(window.meanGradientNorm()).isEqualTo(2.0);
        assertThat(window.nonFiniteGradientCount()).isEqualTo(1);
        assertThat(window.skippedUpdateCount()).isEqualTo(2);
    }

    @Test
    void emptyWindowAndMissingClassesGiveNaN() {
        PrequentialWindow window = new PrequentialWindow(PairLabel.SAME, MARGIN);
        assertThat(window.count()).isZero();
        assertThat(window.predictedPositiveFraction()).isNaN();
        assertThat(window.meanLoss()).isNaN();
        assertThat(window.meanSameDissimilarity()).isNaN();
        assertThat(window.meanDifferentDissimilarity()).isNaN();
        assertThat(window.activeNegativeFraction()).isNaN();
        assertThat(window.accuracy()).isNaN();
        assertThat(window.precision()).isNaN();
        assertThat(window.recall()).isNaN();
        assertThat(window.f1()).isNaN();
        assertThat(window.auc()).isNaN();
        assertThat(window.meanGradientNorm()).isNaN();

        // SAME positives only, all predicted DIFFERENT: precision NaN, recall 0, F1 0
        window.recordLabelled(0.9, PairLabel.SAME, 0.5, 0.1, 1.0, false);
        assertThat(window.precision()).isNaN();
        assertThat(window.recall()).isZero();
        assertThat(window.f1()).isZero();
        assertThat(window.meanDifferentDissimilarity()).isNaN();
        assertThat(window.activeNegativeFraction()).isNaN();
        assertThat(window.auc()).isNaN();
        assertThat(window.accuracy()).isZero();
    }

    @ParameterizedTest
    @EnumSource(PairLabel.class)
    void randomWindowMatchesNaiveLoops(PairLabel positive) {
        Random random = new Random(positive.ordinal() + 5);
        int n = 400;
        double[] d = new double[n];
        PairLabel[] labels = new PairLabel[n]; // null = unlabelled
        double[] thresholds = new double[n];
        double[] losses = new double[n];
        double[] norms = new double[n];
        boolean[] skipped = new boolean[n];
        PrequentialWindow window = new PrequentialWindow(positive, MARGIN);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(5);
            labels[i] = kind == 0 ? null : kind <= 2 ? PairLabel.SAME : PairLabel.DIFFERENT;
            d[i] =
                    Math.abs(
                            (labels[i] == PairLabel.SAME ? 0.4 : 0.9)
                                    + 0.3 * random.nextGaussian());
            thresholds[i] = 0.5 + 0.2 * random.nextDouble();
            losses[i] = random.nextDouble();
            norms[i] = random.nextInt(20) == 0 ? Double.POSITIVE_INFINITY : 3 * random.nextDouble();
            skipped[i] = random.nextInt(7) == 0;
            if (labels[i] == null) {
                window.recordUnlabelled(d[i], thresholds[i]);
            } else {
                window.recordLabelled(
                        d[i], labels[i], thresholds[i], losses[i], norms[i], skipped[i]);
            }
        }

        long labelled = 0, same = 0, different = 0, active = 0, alerts = 0;
        long tp = 0, fp = 0, tn = 0, fn = 0, finiteNorms = 0, skips = 0;
        double loss = 0, sameD = 0, differentD = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            boolean predictedPositive = (d[i] < thresholds[i]) == (positive == PairLabel.SAME);
            if (predictedPositive) {
                alerts++;
            }
            if (labels[i] == null) {
                continue;
            }
            labelled++;
            loss += losses[i];
            if (labels[i] == PairLabel.SAME) {
                same++;
                sameD += d[i];
            } else {
                different++;
                differentD += d[i];
                if (d[i] < MARGIN) {
                    active++;
                }
            }
            boolean actualPositive = labels[i] == positive;
            if (predictedPositive && actualPositive) tp++;
            if (predictedPositive && !actualPositive) fp++;
            if (!predictedPositive && actualPositive) fn++;
            if (!predictedPositive && !actualPositive) tn++;
            if (Double.isFinite(norms[i])) {
                finiteNorms++;
                norm += norms[i];
            }
            if (skipped[i]) skips++;
        }
        double exactAuc = exactAuc(d, labels);

        assertThat(window.count()).isEqualTo(n);
        assertThat(window.labelledCount()).isEqualTo(labelled);
        assertThat(window.sameCount()).isEqualTo(same);
        assertThat(window.differentCount()).isEqualTo(different);
        assertThat(window.predictedPositiveCount()).isEqualTo(alerts);
        assertThat(window.meanLoss()).isCloseTo(loss / labelled, within(MEAN_TOLERANCE));
        assertThat(window.meanSameDissimilarity()).isCloseTo(sameD / same, within(MEAN_TOLERANCE));
        assertThat(window.meanDifferentDissimilarity())
                .isCloseTo(differentD / different, within(MEAN_TOLERANCE));
        assertThat(window.activeNegativeFraction()).isEqualTo((double) active / different);
        assertThat(window.truePositives()).isEqualTo(tp);
        assertThat(window.falsePositives()).isEqualTo(fp);
        assertThat(window.trueNegatives()).isEqualTo(tn);
        assertThat(window.falseNegatives()).isEqualTo(fn);
        assertThat(window.accuracy()).isEqualTo((double) (tp + tn) / labelled);
        double precision = (double) tp / (tp + fp);
        double recall = (double) tp / (tp + fn);
        assertThat(window.precision()).isEqualTo(precision);
        assertThat(window.recall()).isEqualTo(recall);
        assertThat(window.f1())
                .isCloseTo(2 * precision * recall / (precision + recall), within(1e-12));
        assertThat(Math.abs(window.auc() - exactAuc)).isLessThanOrEqualTo(window.aucErrorBound());
        assertThat(window.aucErrorBound()).isLessThan(1e-2);
        assertThat(window.meanGradientNorm()).isCloseTo(norm / finiteNorms, within(MEAN_TOLERANCE));
        assertThat(window.nonFiniteGradientCount()).isEqualTo(labelled - finiteNorms);
        assertThat(window.skippedUpdateCount()).isEqualTo(skips);

        window.reset();
        assertThat(window.count()).isZero();
        assertThat(window.labelledCount()).isZero();
        assertThat(window.meanLoss()).isNaN();
        assertThat(window.auc()).isNaN();
        assertThat(window.skippedUpdateCount()).isZero();
    }

    private static double exactAuc(double[] d, PairLabel[] labels) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d.length; j++) {
                if (labels[i] == PairLabel.SAME && labels[j] == PairLabel.DIFFERENT) {
                    wins += d[i] < d[j] ? 1 : d[i] == d[j] ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        return wins / pairs;
    }

    @Test
    void refusesBadInput() {
        PrequentialWindow window = new PrequentialWindow(PairLabel.SAME, MARGIN);
        assertThatThrownBy(() -> window.recordUnlabelled(Double.NaN, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> window.recordUnlabelled(0.3, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> window.recordLabelled(0.3, PairLabel.SAME, 0.5, -1, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> window.recordLabelled(0.3, PairLabel.SAME, 0.5, Double.NaN, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(window.count()).isZero();
        assertThatThrownBy(() -> new PrequentialWindow(PairLabel.SAME, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateRoundTripContinuesIdentically() throws IOException {
        Random random = new Random(99);
        PrequentialWindow original = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        feed(original, random, 300);
        PrequentialWindow restored = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        feed(restored, new Random(1), 10); // to be replaced
        StateRoundTrip.read(restored, StateRoundTrip.bytes(original));
        long seed = random.nextLong();
        feed(original, new Random(seed), 200);
        feed(restored, new Random(seed), 200);
        assertSameMetrics(restored, original);
        assertThat(StateRoundTrip.bytes(restored)).isEqualTo(StateRoundTrip.bytes(original));
    }

    /**
     * Labelled pairs that could not be scored count as skipped updates and as nothing else, so a
     * window may hold more skipped updates than labelled pairs; its state must still restore (a
     * model whose embeddings overflowed once could otherwise never be restored from a checkpoint).
     */
    @Test
    void moreUnscoredSkipsThanLabelledPairsRoundTrip() throws IOException {
        PrequentialWindow original = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        feed(original, new Random(5), 2);
        for (int i = 0; i < 20; i++) {
            original.recordUnscoredSkip();
        }
        PrequentialWindow restored = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        StateRoundTrip.read(restored, StateRoundTrip.bytes(original));
        assertThat(restored.skippedUpdateCount())
                .isEqualTo(original.skippedUpdateCount())
                .isGreaterThan(restored.labelledCount());
        assertThat(StateRoundTrip.bytes(restored)).isEqualTo(StateRoundTrip.bytes(original));
    }

    @Test
    void mismatchedOrCorruptStateIsRefusedAndLeavesTheInstanceUnchanged() {
        PrequentialWindow original = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        feed(original, new Random(4), 50);
        byte[] bytes = StateRoundTrip.bytes(original);

        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new PrequentialWindow(PairLabel.SAME, MARGIN), bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("positive class");
        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new PrequentialWindow(PairLabel.DIFFERENT, 2.0), bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("negative margin");
        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new PrequentialWindow(
                                                PairLabel.DIFFERENT, MARGIN, 512, MARGIN),
                                        bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bins");

        PrequentialWindow target = new PrequentialWindow(PairLabel.DIFFERENT, MARGIN);
        target.recordUnlabelled(0.3, 0.5);
        assertThatThrownBy(() -> StateRoundTrip.read(target, StateRoundTrip.truncated(bytes, 1)))
                .isInstanceOf(IOException.class);
        // The SAME count (after the header, 2 settings and 2 counts) raised by one: inconsistent.
        byte[] inconsistent = bytes.clone();
        int sameCountEnd = 2 + "PrequentialWindow".length() + 4 + 8 + 8 + 8 + 8 + 8;
        inconsistent[sameCountEnd - 1]++;
        assertThatThrownBy(() -> StateRoundTrip.read(target, inconsistent))
                .isInstanceOf(IOException.class);
        assertThat(target.count()).isEqualTo(1);
        assertThat(target.labelledCount()).isZero();
    }

    private static void feed(PrequentialWindow window, Random random, int n) {
        for (int i = 0; i < n; i++) {
            double d = 2 * random.nextDouble();
            double threshold = 0.5 + 0.1 * random.nextDouble();
            if (random.nextInt(4) == 0) {
                window.recordUnlabelled(d, threshold);
            } else {
                PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
                window.recordLabelled(
                        d,
                        label,
                        threshold,
                        random.nextDouble(),
                        random.nextDouble(),
                        random.nextBoolean());
            }
        }
    }

    private static void assertSameMetrics(PrequentialWindow actual, PrequentialWindow expected) {
        assertThat(actual.count()).isEqualTo(expected.count());
        assertThat(actual.labelledCount()).isEqualTo(expected.labelledCount());
        assertThat(actual.predictedPositiveCount()).isEqualTo(expected.predictedPositiveCount());
        assertThat(actual.meanLoss()).isEqualTo(expected.meanLoss());
        assertThat(actual.meanSameDissimilarity()).isEqualTo(expected.meanSameDissimilarity());
        assertThat(actual.meanDifferentDissimilarity())
                .isEqualTo(expected.meanDifferentDissimilarity());
        assertThat(actual.activeNegativeFraction()).isEqualTo(expected.activeNegativeFraction());
        assertThat(actual.accuracy()).isEqualTo(expected.accuracy());
        assertThat(actual.precision()).isEqualTo(expected.precision());
        assertThat(actual.recall()).isEqualTo(expected.recall());
        assertThat(actual.f1()).isEqualTo(expected.f1());
        assertThat(actual.auc()).isEqualTo(expected.auc());
        assertThat(actual.meanGradientNorm()).isEqualTo(expected.meanGradientNorm());
        assertThat(actual.skippedUpdateCount()).isEqualTo(expected.skippedUpdateCount());
    }
}
