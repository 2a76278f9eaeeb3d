package io.contrastream.loss.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.loss.eval.StateRoundTrip;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageHinkleyDetectorTest {

    @Test
    void handComputedStatistic() {
        // delta 0, alpha 1: S_t = sum (x_i - mean_i). x = 0, 0, 2: means 0, 0, 2/3; S = 0, 0, 4/3.
        PageHinkleyDetector quiet = new PageHinkleyDetector(0, 1.5, 1, 1);
        PageHinkleyDetector loud = new PageHinkleyDetector(0, 1.0, 1, 1);
        for (double x : new double[] {0, 0}) {
            assertThat(quiet.update(x)).isFalse();
            assertThat(loud.update(x)).isFalse();
        }
        assertThat(quiet.update(2)).isFalse();
        assertThat(quiet.statistic()).isCloseTo(4.0 / 3, within(1e-15));
        assertThat(quiet.mean()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(loud.update(2)).isTrue();
        assertThat(loud.detections()).isEqualTo(1);
        assertThat(loud.count()).isZero(); // reset itself
        assertThat(loud.statistic()).isZero();
    }

    @Test
    void minInstancesHoldsTheAlarm() {
        PageHinkleyDetector detector = new PageHinkleyDetector(0, 1.0, 1, 4);
        assertThat(detector.update(0)).isFalse();
        assertThat(detector.update(10)).isFalse(); // S - m = 5 > 1, but only 2 observations
        assertThat(detector.update(10)).isFalse();
        assertThat(detector.update(10)).isTrue();
    }

    @Test
    void aDecreaseIsNotAnAlarmWithoutFading() {
        // alpha = 1: with River's default alpha < 1 the faded sum climbs back from the deep
        // minimum a large decrease leaves, and the test can fire (see the class documentation).
        PageHinkleyDetector detector = new PageHinkleyDetector(0.005, 50, 1.0, 30);
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            double mean = i < 1000 ? 2.0 : 1.0;
            assertThat(detector.update(mean + 0.1 * random.nextGaussian())).isFalse();
        }
    }

    @Test
    void firesSoonAfterAJumpInTheMean() {
        // Observed with seed 3: detection 49 steps after the jump (S grows by about 1 per step
        // against lambda = 50). Asserted: between 40 and 100.
        PageHinkleyDetector detector = new PageHinkleyDetector();
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(detector.update(1.0 + 0.1 * random.nextGaussian())).isFalse();
        }
        int delay = -1;
        for (int i = 1; i <= 1000 && delay < 0; i++) {
            if (detector.update(2.0 + 0.1 * random.nextGaussian())) {
                delay = i;
            }
        }
        assertThat(delay).isBetween(40, 100);
        assertThat(detector.detections()).isEqualTo(1);
    }

    @Test
    void neverFiresOnALongStationaryStream() {
        PageHinkleyDetector detector = new PageHinkleyDetector(0.005, 50, 0.9999, 30);
        Random random = new Random(12345);
        for (int i = 0; i < 100_000; i++) {
            detector.update(1.0 + 0.1 * random.nextGaussian());
        }
        assertThat(detector.detections()).isZero();
        assertThat(detector.count()).isEqualTo(100_000);
        assertThat(detector.mean()).isCloseTo(1.0, within(1e-2));
    }

    @Test
    void nonFiniteValuesAreIgnored() {
        PageHinkleyDetector detector = new PageHinkleyDetector(0, 1.0, 1, 1);
        detector.update(0);
        assertThat(detector.update(Double.NaN)).isFalse();
        assertThat(detector.update(Double.POSITIVE_INFINITY)).isFalse();
        assertThat(detector.count()).isEqualTo(1);
        assertThat(detector.mean()).isZero();
    }

    @Test
    void resetForgetsEverything() {
        PageHinkleyDetector detector = new PageHinkleyDetector(0, 1.0, 1, 1);
        detector.update(0);
        detector.update(5);
        assertThat(detector.detections()).isEqualTo(1);
        detector.update(3);
        detector.reset();
        assertThat(detector.detections()).isZero();
        assertThat(detector.count()).isZero();
        assertThat(StateRoundTrip.bytes(detector))
                .isEqualTo(StateRoundTrip.bytes(new PageHinkleyDetector(0, 1.0, 1, 1)));
    }

    @Test
    void refusesBadConfiguration() {
        assertThatThrownBy(() -> new PageHinkleyDetector(-1, 50, 1, 30))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageHinkleyDetector(0.005, 0, 1, 30))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageHinkleyDetector(0.005, 50, 1.5, 30))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageHinkleyDetector(0.005, 50, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateRoundTripContinuesIdentically() throws IOException {
        Random random = new Random(21);
        PageHinkleyDetector original = new PageHinkleyDetector(0.005, 5, 0.999, 30);
        double[] stream = new double[6000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = ((i / 500) % 2 == 0 ? 1.0 : 1.5) + 0.1 * random.nextGaussian();
        }
        for (int i = 0; i < 1700; i++) {
            original.update(stream[i]);
        }
        PageHinkleyDetector restored = new PageHinkleyDetector(0.005, 5, 0.999, 30);
        restored.update(42);
        StateRoundTrip.read(restored, StateRoundTrip.bytes(original));
        for (int i = 1700; i < stream.length; i++) {
            assertThat(restored.update(stream[i])).isEqualTo(original.update(stream[i]));
            assertThat(restored.statistic()).isEqualTo(original.statistic());
        }
        assertThat(original.detections()).isGreaterThan(3);
        assertThat(restored.detections()).isEqualTo(original.detections());
    }

    @Test
    void mismatchedOrCorruptStateIsRefused() {
        PageHinkleyDetector original = new PageHinkleyDetector();
        original.update(1);
        original.update(2);
        byte[] bytes = StateRoundTrip.bytes(original);
        assertThatThrownBy(
                        () ->
                                StateRoundTrip.read(
                                        new PageHinkleyDetector(0.005, 40, 0.9999, 30), bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lambda = 50.0")
                .hasMessageContaining("lambda = 40.0");
        assertThatThrownBy(() -> StateRoundTrip.read(new AdwinDetector(), bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PageHinkleyDetector");
        PageHinkleyDetector target = new PageHinkleyDetector();
        target.update(7);
        byte[] badMinimum = bytes.clone();
        // the minimum (8 bytes before the detection count) set to +1e308, above the sum
        long bits = Double.doubleToLongBits(1e308);
        for (int b = 0; b < 8; b++) {
            badMinimum[bytes.length - 16 + b] = (byte) (bits >>> (56 - 8 * b));
        }
        assertThatThrownBy(() -> StateRoundTrip.read(target, badMinimum))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("inconsistent");
        assertThatThrownBy(() -> StateRoundTrip.read(target, StateRoundTrip.truncated(bytes, 4)))
                .isInstanceOf(IOException.class);
        assertThat(target.count()).isEqualTo(1);
        assertThat(target.mean()).isEqualTo(7);
    }
}
