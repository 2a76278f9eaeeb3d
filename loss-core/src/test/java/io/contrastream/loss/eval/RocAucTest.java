package io.contrastream.loss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RocAuc} against counting every (SAME, DIFFERENT) pair in plain loops. */
class RocAucTest {

    /** The definition, pair by pair: a SAME closer than a DIFFERENT wins 1, a tie 1/2. */
    private static double bruteForce(double[] d, boolean[] same) {
        double wins = 0;
        long pairs = 0;
        for (int p = 0; p < d.length; p++) {
            if (!same[p]) continue;
            for (int q = 0; q < d.length; q++) {
                if (same[q]) continue;
                pairs++;
                wins += d[p] < d[q] ? 1 : d[p] == d[q] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    @Test
    void agreesWithCountingPairsOnRandomDataWithManyTies() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(120);
            double[] d = new double[n];
            boolean[] same = new boolean[n];
            int levels = 1 + random.nextInt(12); // few distinct values: ties everywhere
            for (int i = 0; i < n; i++) {
                d[i] = random.nextInt(levels) * 0.25;
                same[i] = random.nextDouble() < (d[i] < levels * 0.125 ? 0.7 : 0.3);
            }
            same[0] = true;
            same[1] = false;
            assertThat(RocAuc.ofDissimilarity(d, same))
                    .as("trial %d", trial)
                    .isCloseTo(bruteForce(d, same), within(1e-12));
        }
    }

    @Test
    void agreesWithCountingPairsOnContinuousValues() {
        Random random = new Random(5);
        double[] d = new double[500];
        boolean[] same = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            same[i] = random.nextBoolean();
            d[i] = random.nextGaussian() + (same[i] ? 0 : 1);
        }
        assertThat(RocAuc.ofDissimilarity(d, same)).isCloseTo(bruteForce(d, same), within(1e-12));
    }

    @Test
    void perfectReversedAndConstantRankings() {
        boolean[] same = {true, true, false, false};
        assertThat(RocAuc.ofDissimilarity(new double[] {0.1, 0.2, 0.3, 0.4}, same)).isEqualTo(1.0);
        assertThat(RocAuc.ofDissimilarity(new double[] {0.4, 0.3, 0.2, 0.1}, same)).isEqualTo(0.0);
        assertThat(RocAuc.ofDissimilarity(new double[] {7, 7, 7, 7}, same)).isEqualTo(0.5);
        assertThat(
                        RocAuc.ofDissimilarity(
                                new double[] {0, Double.POSITIVE_INFINITY},
                                new boolean[] {true, false}))
                .isEqualTo(1.0);
    }

    @Test
    void theInputIsNotModified() {
        double[] d = {0.3, 0.1, 0.2};
        boolean[] same = {false, true, true};
        RocAuc.ofDissimilarity(d, same);
        assertThat(d).containsExactly(0.3, 0.1, 0.2);
        assertThat(same).containsExactly(false, true, true);
    }

    @Test
    void degenerateInputsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RocAuc.ofDissimilarity(new double[0], new boolean[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "ROC-AUC needs SAME and DIFFERENT observations, got 0 SAME and 0 DIFFERENT");
        assertThatThrownBy(
                        () ->
                                RocAuc.ofDissimilarity(
                                        new double[] {1, 2}, new boolean[] {true, true}))
                .hasMessage(
                        "ROC-AUC needs SAME and DIFFERENT observations, got 2 SAME and 0 DIFFERENT");
        assertThatThrownBy(
                        () ->
                                RocAuc.ofDissimilarity(
                                        new double[] {1, 2}, new boolean[] {false, false}))
                .hasMessageContaining("got 0 SAME and 2 DIFFERENT");
        assertThatThrownBy(() -> RocAuc.ofDissimilarity(new double[] {1, 2}, new boolean[] {true}))
                .hasMessage("2 dissimilarities but 1 labels: one label per value");
        assertThatThrownBy(
                        () ->
                                RocAuc.ofDissimilarity(
                                        new double[] {1, Double.NaN}, new boolean[] {true, false}))
                .hasMessage("dissimilarity 1 is NaN");
    }
}
