package io.contrastream.loss.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputStandardizerTest {

    private static float[][] items(int n, int dim, long seed, double scale, double shift) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] x = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                // Feature k has mean k and spread k + 1 before the global scale and shift.
                x[i][k] = (float) ((k + (k + 1) * random.nextGaussian()) * scale + shift);
            }
        }
        return x;
    }

    /** Two-pass mean and population variance: the independent reference. */
    private static double[][] twoPass(float[][] x, int from, int to) {
        int dim = x[0].length;
        double[] mean = new double[dim];
        double[] var = new double[dim];
        for (int i = from; i < to; i++) {
            for (int k = 0; k < dim; k++) {
                mean[k] += x[i][k];
            }
        }
        for (int k = 0; k < dim; k++) {
            mean[k] /= to - from;
        }
        for (int i = from; i < to; i++) {
            for (int k = 0; k < dim; k++) {
                var[k] += (x[i][k] - mean[k]) * (x[i][k] - mean[k]);
            }
        }
        for (int k = 0; k < dim; k++) {
            var[k] /= to - from;
        }
        return new double[][] {mean, var};
    }

    @Test
    void frozenStatisticsAreTheExactMomentsOfTheWarmUpItems() {
        float[][] x = items(1000, 4, 1, 1, 0);
        // A window of 100 pairs is 200 items; the rest must change nothing.
        InputStandardizer s =
                new InputStandardizer(new Standardization(Standardization.Mode.FROZEN, 100, 0), 4);
        for (float[] item : x) {
            s.observe(item);
        }
        s.refresh();
        assertThat(s.items()).isEqualTo(200);
        assertThat(s.learning()).isFalse();
        double[][] ref = twoPass(x, 0, 200);
        for (int k = 0; k < 4; k++) {
            assertThat(s.meanCopy()[k]).isCloseTo(ref[0][k], within(1e-9 * (k + 1)));
            assertThat(s.scaleCopy()[k])
                    .isCloseTo(1 / Math.sqrt(ref[1][k]), within(1e-9 / (k + 1)));
        }
        float[] z = new float[4];
        s.transform(x[0], z);
        for (int k = 0; k < 4; k++) {
            assertThat((double) z[k])
                    .isCloseTo((x[0][k] - ref[0][k]) / Math.sqrt(ref[1][k]), within(1e-5));
        }
    }

    @Test
    void decayingStatisticsFollowAShiftOfTheStream() {
        InputStandardizer s =
                new InputStandardizer(
                        new Standardization(Standardization.Mode.DECAYING, 200, 0), 3);
        for (float[] item : items(4000, 3, 2, 1, 0)) {
            s.observe(item);
        }
        // Then every feature moves by +100: after many memories the mean has followed.
        for (float[] item : items(8000, 3, 3, 1, 100)) {
            s.observe(item);
        }
        s.refresh();
        assertThat(s.learning()).isTrue();
        for (int k = 0; k < 3; k++) {
            assertThat(s.meanCopy()[k]).isCloseTo(100 + k, within(0.5 * (k + 1)));
            // The spread, not the jump, is what remains: scale near 1 / (k + 1).
            assertThat(s.scaleCopy()[k]).isCloseTo(1.0 / (k + 1), within(0.2 / (k + 1)));
        }
    }

    @Test
    void aCommonScaleAndShiftOfEveryFeatureLeavesTheTransformUnchanged() {
        for (double floor : new double[] {0, 0.01, 1}) {
            Standardization policy = new Standardization(Standardization.Mode.DECAYING, 50, floor);
            InputStandardizer plain = new InputStandardizer(policy, 5);
            InputStandardizer sensor = new InputStandardizer(policy, 5);
            float[][] x = items(500, 5, 4, 1, 0);
            float[][] y = items(500, 5, 4, 1000, 50);
            float[] zx = new float[5];
            float[] zy = new float[5];
            for (int i = 0; i < x.length; i++) {
                plain.observe(x[i]);
                sensor.observe(y[i]);
                plain.refresh();
                sensor.refresh();
                plain.transform(x[i], zx);
                sensor.transform(y[i], zy);
                for (int k = 0; k < 5; k++) {
                    assertThat(zy[k])
                            .as("floor %s item %d feature %d", floor, i, k)
                            .isCloseTo(zx[k], within(2e-3f * Math.max(1, Math.abs(zx[k]))));
                }
            }
        }
    }

    @Test
    void theFloorBoundsTheScaleOfAnAlmostConstantFeature() {
        InputStandardizer s =
                new InputStandardizer(
                        new Standardization(Standardization.Mode.FROZEN, 1000, 0.01), 2);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            // Feature 0 has variance 1; feature 1 is 0 but once.
            s.observe(new float[] {(float) random.nextGaussian(), i == 7 ? 1f : 0f});
        }
        s.refresh();
        double meanVariance = (1 + 1.0 / 2000) / 2;
        assertThat(s.scaleCopy()[1]).isCloseTo(1 / Math.sqrt(0.01 * meanVariance), within(0.5));
    }

    @Test
    void edgeCasesAreTheIdentity() {
        InputStandardizer s = new InputStandardizer(Standardization.decaying(), 2);
        float[] z = new float[2];
        s.refresh();
        s.transform(new float[] {3f, -4f}, z);
        assertThat(z).containsExactly(3f, -4f);
        // Identical items: every variance 0, so nothing to scale by; centring still applies.
        s.observe(new float[] {3f, -4f});
        s.observe(new float[] {3f, -4f});
        s.refresh();
        s.transform(new float[] {4f, -4f}, z);
        assertThat(z).containsExactly(1f, 0f);
        InputStandardizer none = new InputStandardizer(Standardization.none(), 2);
        none.observe(new float[] {1f, 2f});
        assertThat(none.items()).isZero();
        assertThat(none.learning()).isFalse();
    }

    @Test
    void pinnedStatisticsNeverMoveAndBadOnesAreRefused() {
        InputStandardizer s = new InputStandardizer(Standardization.decaying(), 2);
        s.pin(new double[] {1, 2}, new double[] {0.5, 4});
        s.observe(new float[] {100f, 100f});
        s.refresh();
        float[] z = new float[2];
        s.transform(new float[] {3f, 3f}, z);
        assertThat(z).containsExactly(1f, 4f);
        assertThat(s.pinned()).isTrue();
        assertThatThrownBy(() -> s.pin(new double[] {1}, new double[] {1}))
                .hasMessageContaining("1 means and 1 scales; the model has 2 features");
        assertThatThrownBy(() -> s.pin(new double[] {1, 2}, new double[] {1, 0}))
                .hasMessageContaining("feature 1");
        assertThatThrownBy(() -> s.pin(new double[] {Double.NaN, 2}, new double[] {1, 1}))
                .hasMessageContaining("feature 0");
    }

    @Test
    void stateRoundTripsAndRefusesOtherSettings() throws IOException {
        Standardization policy = new Standardization(Standardization.Mode.DECAYING, 30, 0.1);
        InputStandardizer s = new InputStandardizer(policy, 3);
        for (float[] item : items(300, 3, 6, 1, 0)) {
            s.observe(item);
        }
        s.refresh();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeState(new DataOutputStream(bytes));
        InputStandardizer back = new InputStandardizer(policy, 3);
        back.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.items()).isEqualTo(s.items());
        assertThat(back.meanCopy()).isEqualTo(s.meanCopy());
        assertThat(back.scaleCopy()).isEqualTo(s.scaleCopy());
        float[] next = {1f, 2f, 3f};
        s.observe(next);
        back.observe(next);
        assertThat(back.meanCopy()).isEqualTo(s.meanCopy());

        InputStandardizer other =
                new InputStandardizer(
                        new Standardization(Standardization.Mode.DECAYING, 31, 0.1), 3);
        assertThatThrownBy(
                        () ->
                                other.readState(
                                        new DataInputStream(
                                                new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("window");
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new Standardization(Standardization.Mode.FROZEN, 0, 0.01))
                .hasMessageContaining("standardize-window");
        assertThatThrownBy(() -> new Standardization(Standardization.Mode.DECAYING, 10, 2))
                .hasMessageContaining("standardize-floor");
        assertThatThrownBy(() -> new Standardization(null, 10, 0.01))
                .hasMessageContaining("standardize");
    }
}
