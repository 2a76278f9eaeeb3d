package io.contrastream.loss.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.PairLabel;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PairSamplerTest {

    /** 3 classes of sizes 5, 3, 2; feature = row index, so rows are told apart. */
    private static LabelledRows rows() {
        int[] classes = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
        float[][] features = new float[classes.length][];
        for (int i = 0; i < classes.length; i++) features[i] = new float[] {i};
        return new LabelledRows(features, classes);
    }

    @Test
    void pairsHaveTheirLabelAndNeverRepeatARow() {
        LabelledRows rows = rows();
        PairSampler sampler = new PairSampler(rows, 0.5, 3);
        int same = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            sampler.next();
            assertThat(sampler.left()).isNotEqualTo(sampler.right());
            boolean sameClass = rows.classOf(sampler.left()) == rows.classOf(sampler.right());
            assertThat(sameClass).isEqualTo(sampler.label() == PairLabel.SAME);
            if (sameClass) same++;
        }
        // Binomial(20000, 0.5): 5 standard deviations are 354.
        assertThat(same).isBetween(n / 2 - 354, n / 2 + 354);
    }

    @Test
    void theSameSeedGivesTheSameStream() {
        PairSampler a = new PairSampler(rows(), 0.5, 11);
        PairSampler b = new PairSampler(rows(), 0.5, 11);
        for (int i = 0; i < 1000; i++) {
            a.next();
            b.next();
            assertThat(a.left()).isEqualTo(b.left());
            assertThat(a.right()).isEqualTo(b.right());
        }
    }

    @Test
    void splitIsStratifiedAndSizedLikeScikitLearn() {
        LabelledRows rows = rows();
        LabelledRows[] split = rows.stratifiedSplit(0.7, 5);
        assertThat(split[0].size()).isEqualTo(7); // floor(0.7 * 10)
        assertThat(split[1].size()).isEqualTo(3);
        // floor: 3, 2, 1 = 6; one more to the largest remainder (class 2: 1.4 -> .4; class 0:
        // 3.5 -> .5): class 0.
        int[] perClass = new int[3];
        Set<Float> seen = new HashSet<>();
        for (int i = 0; i < split[0].size(); i++) {
            perClass[split[0].classOf(i)]++;
            seen.add(split[0].features(i)[0]);
        }
        for (int i = 0; i < split[1].size(); i++) {
            assertThat(seen.add(split[1].features(i)[0])).isTrue(); // disjoint
        }
        assertThat(perClass).containsExactly(4, 2, 1);
        assertThat(seen).hasSize(10);
    }
}
