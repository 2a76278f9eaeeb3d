package io.contrastream.loss.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.eval.StateRoundTrip;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdwinDetectorTest {

    @Test
    void noDetectionOnStationaryStreams() {
        AdwinDetector gaussian = new AdwinDetector();
        AdwinDetector bernoulli = new AdwinDetector();
        Random random = new Random(2024);
        for (int i = 0; i < 50_000; i++) {
            gaussian.update(0.5 + 0.1 * random.nextGaussian());
            bernoulli.update(random.nextDouble() < 0.3 ? 1 : 0);
        }
        assertThat(gaussian.detections()).isZero();
        assertThat(bernoulli.detections()).isZero();
        assertThat(gaussian.width()).isEqualTo(50_000);
        assertThat(bernoulli.width()).isEqualTo(50_000);
    }

    @Test
    void detectsAnAbruptIncreaseAndDecreaseSoonAndShrinks() {
        // Observed with seed 9: both changes detected 48 steps after they happen, at the first
        // scan (the clock is 32; observation 2048), the window shrinking from 2000 to 128.
        // Asserted: within 2 clock periods.
        for (double after : new double[] {0.8, 0.2}) {
            AdwinDetector detector = new AdwinDetector();
            Random random = new Random(9);
            double before = 0.5;
            for (int i = 0; i < 2000; i++) {
                assertThat(detector.update(before + 0.05 * random.nextGaussian())).isFalse();
            }
            long widthBefore = detector.width();
            int delay = -1;
            for (int i = 1; i <= 1000 && delay < 0; i++) {
                if (detector.update(after + 0.05 * random.nextGaussian())) {
                    delay = i;
                }
            }
            assertThat(delay).as("delay after a change to %s", after).isBetween(1, 64);
            assertThat(detector.lastChangeWasIncrease()).isEqualTo(after > before);
            assertThat(detector.width()).isLessThan(widthBefore);
            // Once settled, the window holds (almost) only the new regime.
            for (int i = 0; i < 200; i++) {
                detector.update(after + 0.05 * random.nextGaussian());
            }
            assertThat(detector.mean())
                    .isCloseTo(after, org.assertj.core.api.Assertions.within(0.02));
        }
    }

    @Test
    void meanIsTheMeanOfTheLastWidthValues() {
        AdwinDetector detector = new AdwinDetector();
        Random random = new Random(4);
        int n = 6000;
        double[] stream = new double[n];
        int detections = 0;
        for (int i = 0; i < n; i++) {
            stream[i] = (i / 1500) % 2 + 0.2 * random.nextGaussian();
            if (detector.update(stream[i])) {
                detections++;
            }
            double sum = 0;
            for (int j = (int) (i + 1 - detector.width()); j <= i; j++) {
                sum += stream[j];
            }
            double naive = sum / detector.width();
            assertThat(Math.abs(detector.mean() - naive))
                    .isLessThanOrEqualTo(1e-9 * Math.max(1e-3, Math.abs(naive)));
        }
        assertThat(detections).isGreaterThanOrEqualTo(3);
        assertThat(detector.width()).isLessThan(1500);
    }

    @Test
    void emptyWindowAndNonFiniteValues() {
        AdwinDetector detector = new AdwinDetector();
        assertThat(detector.mean()).isNaN();
        assertThat(detector.width()).isZero();
        assertThat(detector.update(Double.NaN)).isFalse();
        assertThat(detector.update(Double.NEGATIVE_INFINITY)).isFalse();
        assertThat(detector.width()).isZero();
        detector.update(3);
        assertThat(detector.mean()).isEqualTo(3);
        detector.reset();
        assertThat(detector.width()).isZero();
        assertThat(StateRoundTrip.bytes(detector))
                .isEqualTo(StateRoundTrip.bytes(new AdwinDetector()));
        assertThatThrownBy(() -> new AdwinDetector(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdwinDetector(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateRoundTripContinuesIdentically() throws IOException {
        Random random = new Random(31);
        double[] stream = new double[8000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = ((i / 1000) % 3) * 0.3 + 0.1 * random.nextGaussian();
        }
        AdwinDetector original = new AdwinDetector(0.01);
        for (int i = 0; i < 2345; i++) { // not a multiple of the clock
            original.update(stream[i]);
        }
        AdwinDetector restored = new AdwinDetector(0.01);
        restored.update(5);
        StateRoundTrip.read(restored, StateRoundTrip.bytes(original));
        for (int i = 2345; i < stream.length; i++) {
            assertThat(restored.update(stream[i])).isEqualTo(original.update(stream[i]));
            assertThat(restored.width()).isEqualTo(original.width());
            assertThat(restored.mean()).isEqualTo(original.mean());
        }
        assertThat(original.detections()).isGreaterThanOrEqualTo(4);
        assertThat(StateRoundTrip.bytes(restored)).isEqualTo(StateRoundTrip.bytes(original));
    }

    @Test
    void mismatchedOrCorruptStateIsRefused() {
        AdwinDetector original = new AdwinDetector();
        for (int i = 0; i < 100; i++) {
            original.update(i % 7);
        }
        byte[] bytes = StateRoundTrip.bytes(original);
        assertThatThrownBy(() -> StateRoundTrip.read(new AdwinDetector(0.01), bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("delta");
        AdwinDetector target = new AdwinDetector();
        target.update(1);
        byte[] wrongWidth = bytes.clone();
        int widthEnd = 2 + "AdwinDetector".length() + 4 + 8 + 8;
        wrongWidth[widthEnd - 1]++;
        assertThatThrownBy(() -> StateRoundTrip.read(target, wrongWidth))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("width");
        assertThatThrownBy(() -> StateRoundTrip.read(target, StateRoundTrip.truncated(bytes, 8)))
                .isInstanceOf(IOException.class);
        assertThat(target.width()).isEqualTo(1);
        assertThat(target.mean()).isEqualTo(1);
    }
}
