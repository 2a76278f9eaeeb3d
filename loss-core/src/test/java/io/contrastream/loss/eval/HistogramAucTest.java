package io.contrastream.loss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.PairLabel;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramAucTest {

    /**
     * Mann-Whitney AUC by sorting: for each SAME value, the DIFFERENT values above it count 1 and
     * the equal ones 1/2. Independent of the histogram.
     */
    static double exactAuc(double[] sameValues, double[] differentValues) {
        double[] diff = differentValues.clone();
        Arrays.sort(diff);
        double wins = 0;
        for (double s : sameValues) {
            int below = lowerBound(diff, s); // diff < s
            int notAbove = upperBound(diff, s); // diff <= s
            wins += (diff.length - notAbove) + 0.5 * (notAbove - below);
        }
        return wins / ((double) sameValues.length * diff.length);
    }

    private static int lowerBound(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Test
    void sortBasedExactAucAgreesWithPairLoopOnSmallData() {
        // The reference itself, checked against the O(n^2) definition.
        double[] s = {0.1, 0.5, 0.5, 2.0};
        double[] d = {0.5, 0.7, 0.05};
        double wins = 0;
        for (double a : s) {
            for (double b : d) {
                wins += a < b ? 1 : a == b ? 0.5 : 0;
            }
        }
        assertThat(exactAuc(s, d)).isEqualTo(wins / 12);
    }

    @Test
    void continuousDataIsWithinTheErrorBoundAndTheBoundIsSmall() {
        Random random = new Random(42);
        for (int trial = 0; trial < 5; trial++) {
            double[] sameValues = new double[3000];
            double[] differentValues = new double[2000];
            HistogramAuc auc = new HistogramAuc(1.0);
            for (int i = 0; i < sameValues.length; i++) {
                sameValues[i] = Math.abs(0.6 + 0.3 * random.nextGaussian());
                auc.add(sameValues[i], PairLabel.SAME);
            }
            for (int i = 0; i < differentValues.length; i++) {
                differentValues[i] = Math.abs(1.0 + 0.4 * random.nextGaussian());
                auc.add(differentValues[i], PairLabel.DIFFERENT);
            }
            double exact = exactAuc(sameValues, differentValues);
            assertThat(exact).isBetween(0.7, 0.95); // the data are informative, not trivial
            assertThat(auc.errorBound()).isLessThan(1e-3);
            assertThat(Math.abs(auc.auc() - exact)).isLessThanOrEqualTo(auc.errorBound());
        }
    }

    @Test
    void coarseBinsStayWithinTheirLargerBound() {
        Random random = new Random(7);
        double[] sameValues = new double[500];
        double[] differentValues = new double[700];
        HistogramAuc auc = new HistogramAuc(4, 1.0);
        for (int i = 0; i < sameValues.length; i++) {
            sameValues[i] = 2 * random.nextDouble();
            auc.add(sameValues[i], PairLabel.SAME);
        }
        for (int i = 0; i < differentValues.length; i++) {
            differentValues[i] = 0.5 + 2 * random.nextDouble();
            auc.add(differentValues[i], PairLabel.DIFFERENT);
        }
        double exact = exactAuc(sameValues, differentValues);
        assertThat(auc.errorBound()).isGreaterThan(0.01);
        assertThat(Math.abs(auc.auc() - exact)).isLessThanOrEqualTo(auc.errorBound());
    }

    @Test
    void exactTiesCountHalfAndSeparatedClassesGiveOneOrZero() {
        HistogramAuc tied = new HistogramAuc(1.0);
        tied.add(0.3, PairLabel.SAME);
        tied.add(0.3, PairLabel.DIFFERENT);
        assertThat(tied.auc()).isEqualTo(0.5);
        assertThat(tied.errorBound()).isEqualTo(0.5);

        HistogramAuc perfect = new HistogramAuc(1.0);
        HistogramAuc inverted = new HistogramAuc(1.0);
        for (int i = 0; i < 10; i++) {
            perfect.add(0.01 * i, PairLabel.SAME);
            perfect.add(5 + i, PairLabel.DIFFERENT);
            inverted.add(5 + i, PairLabel.SAME);
            inverted.add(0.01 * i, PairLabel.DIFFERENT);
        }
        assertThat(perfect.auc()).isEqualTo(1.0);
        assertThat(perfect.errorBound()).isEqualTo(0.0);
        assertThat(inverted.auc()).isEqualTo(0.0);
    }

    @Test
    void binningIsMonotoneAndCoversTheEnds() {
        HistogramAuc auc = new HistogramAuc(64, 0.5);
        Random random = new Random(3);
        double[] values = new double[2000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(8 * random.nextGaussian());
        }
        Arrays.sort(values);
        for (int i = 1; i < values.length; i++) {
            assertThat(auc.bin(values[i])).isGreaterThanOrEqualTo(auc.bin(values[i - 1]));
        }
        assertThat(auc.bin(0.0)).isZero();
        assertThat(auc.bin(-1e-16)).isZero();
        assertThat(auc.bin(0.5)).isEqualTo(32); // u = 1/2 is the middle edge
        assertThat(auc.bin(Math.nextDown(0.5))).isEqualTo(31);
        assertThat(auc.bin(Double.MAX_VALUE)).isEqualTo(63);
        assertThat(auc.bin(Double.POSITIVE_INFINITY)).isEqualTo(63);
    }

    @Test
    void emptyClassGivesNaNAndResetEmpties() {
        HistogramAuc auc = new HistogramAuc(1.0);
        assertThat(auc.auc()).isNaN();
        auc.add(0.2, PairLabel.SAME);
        assertThat(auc.auc()).isNaN();
        assertThat(auc.errorBound()).isNaN();
        auc.add(0.9, PairLabel.DIFFERENT);
        assertThat(auc.auc()).isEqualTo(1.0);
        auc.reset();
        assertThat(auc.sameCount()).isZero();
        assertThat(auc.differentCount()).isZero();
        assertThat(auc.auc()).isNaN();
    }

    @Test
    void refusesNaNAndBadConfiguration() {
        HistogramAuc auc = new HistogramAuc(1.0);
        assertThatThrownBy(() -> auc.add(Double.NaN, PairLabel.SAME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HistogramAuc(1, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HistogramAuc(0.0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateRoundTripContinuesIdentically() throws IOException {
        Random random = new Random(11);
        HistogramAuc original = new HistogramAuc(256, 1.0);
        for (int i = 0; i < 500; i++) {
            original.add(
                    random.nextDouble() * 3,
                    random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
        HistogramAuc restored = new HistogramAuc(256, 1.0);
        restored.add(0.5, PairLabel.SAME); // state to be replaced
        StateRoundTrip.read(restored, StateRoundTrip.bytes(original));
        assertThat(restored.auc()).isEqualTo(original.auc());
        for (int i = 0; i < 300; i++) {
            double d = random.nextDouble() * 3;
            PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            original.add(d, label);
            restored.add(d, label);
            assertThat(restored.auc()).isEqualTo(original.auc());
            assertThat(restored.errorBound()).isEqualTo(original.errorBound());
        }
        assertThat(StateRoundTrip.bytes(restored)).isEqualTo(StateRoundTrip.bytes(original));
    }

    @Test
    void mismatchedOrCorruptStateIsRefusedAndLeavesTheInstanceUnchanged() {
        HistogramAuc original = new HistogramAuc(256, 1.0);
        original.add(0.1, PairLabel.SAME);
        original.add(0.9, PairLabel.DIFFERENT);
        byte[] bytes = StateRoundTrip.bytes(original);

        HistogramAuc otherBins = new HistogramAuc(128, 1.0);
        assertThatThrownBy(() -> StateRoundTrip.read(otherBins, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bins = 256")
                .hasMessageContaining("bins = 128");
        HistogramAuc otherScale = new HistogramAuc(256, 2.0);
        assertThatThrownBy(() -> StateRoundTrip.read(otherScale, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("scale");

        HistogramAuc target = new HistogramAuc(256, 1.0);
        target.add(0.7, PairLabel.SAME);
        assertThatThrownBy(() -> StateRoundTrip.read(target, StateRoundTrip.truncated(bytes, 3)))
                .isInstanceOf(IOException.class);
        byte[] negative = bytes.clone();
        negative[negative.length - 1] = (byte) 0xFF; // last DIFFERENT count's low byte
        negative[negative.length - 8] = (byte) 0xFF; // ... and its sign
        assertThatThrownBy(() -> StateRoundTrip.read(target, negative))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("DIFFERENT count");
        assertThat(target.sameCount()).isEqualTo(1);
        assertThat(target.differentCount()).isZero();

        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        target, StateRoundTrip.bytes(new FixedThreshold(0.5))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("FixedThreshold");
    }
}
