package io.contrastream.loss;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.PairResult;
import io.contrastream.loss.learner.UpdateOutcome;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The reference configuration of the learning-quality protocol (QUALITY.md), run through the
 * learner on the digits data: 200,000 labelled training pairs, one SGD step each, then 10,000 test
 * pairs from held-out rows, scored and never learned from.
 *
 * <p>PyTorch 1.13 and an independent numpy implementation reach pair ROC-AUC 0.9629 +- 0.0005 and
 * accuracy at margin/2 0.8948 +- 0.0010 over 5 seeds, on one fixed split that is not published. The
 * split matters more than the seed: over 12 splits of our own (seeds 0-11, one model each) the same
 * update gave 0.9654 +- 0.0048 (std), from 0.9540 to 0.9724. So this test averages 5 seeds that
 * each draw their own split, and asks the mean to lie within 0.004 of 0.9629 (about two standard
 * errors of a 5-split mean); that the update is the same update is shown exactly, by {@link
 * #learnerFollowsAnIndependentDoublePrecisionUpdate}. About 3 s per seed.
 */
class ReferenceProtocolTest {

    static final int TRAIN_PAIRS = 200_000;
    static final int TEST_PAIRS = 10_000;

    /** The split used by the independent-reference check. */
    static final long SPLIT_SEED = 0;

    /** The digits data, pixels / 16, from the repository's data directory. */
    public static LabelledRows digits() throws IOException {
        String root = System.getProperty("contrastream.root", "..");
        return LabelledRows.readCsv(Path.of(root, "data", "digits.csv.gz"), 1f / 16f);
    }

    /** {AUC, accuracy at margin/2} of one seed of the protocol. */
    static double[] runProtocol(LabelledRows all, long seed) {
        LabelledRows[] split = all.stratifiedSplit(0.7, seed);
        LabelledRows train = split[0];
        LabelledRows test = split[1];
        OnlineLearner learner = OnlineLearner.create(LearnerConfig.reference(seed), 64);
        PairSampler trainPairs = new PairSampler(train, 0.5, seed * 31 + 1);
        for (int i = 0; i < TRAIN_PAIRS; i++) {
            trainPairs.next();
            PairResult r =
                    learner.learn(
                            train.features(trainPairs.left()),
                            train.features(trainPairs.right()),
                            trainPairs.label());
            assertThat(r.outcome()).isEqualTo(UpdateOutcome.APPLIED);
        }
        PairSampler testPairs = new PairSampler(test, 0.5, seed * 31 + 2);
        double[] d = new double[TEST_PAIRS];
        boolean[] same = new boolean[TEST_PAIRS];
        int correct = 0;
        for (int i = 0; i < TEST_PAIRS; i++) {
            testPairs.next();
            PairResult r =
                    learner.score(
                            test.features(testPairs.left()), test.features(testPairs.right()));
            d[i] = r.dissimilarity();
            same[i] = testPairs.label() == PairLabel.SAME;
            if ((d[i] < 1.0) == same[i]) { // margin / 2 = 1.0
                correct++;
            }
        }
        assertThat(learner.modelVersion()).isEqualTo(TRAIN_PAIRS);
        return new double[] {
            io.contrastream.loss.eval.RocAuc.ofDissimilarity(d, same), correct / (double) TEST_PAIRS
        };
    }

    @Test
    void referenceConfigurationLandsInTheReferenceRange() throws IOException {
        LabelledRows all = digits();
        assertThat(all.size()).isEqualTo(1797);
        assertThat(all.dimension()).isEqualTo(64);
        int seeds = 5;
        double aucSum = 0;
        double accSum = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            double[] r = runProtocol(all, seed);
            System.out.printf(
                    "reference protocol, seed %d: pair ROC-AUC %.4f, accuracy at margin/2 %.4f%n",
                    seed, r[0], r[1]);
            // One split can land anywhere in about 0.954 - 0.973 (see the class comment).
            assertThat(r[0]).as("AUC, seed %d", seed).isBetween(0.950, 0.976);
            aucSum += r[0];
            accSum += r[1];
        }
        assertThat(aucSum / seeds).as("mean AUC").isBetween(0.9629 - 0.004, 0.9629 + 0.004);
        assertThat(accSum / seeds).as("mean accuracy").isBetween(0.8948 - 0.01, 0.8948 + 0.01);
    }

    /**
     * The same update written independently, in double precision and plain loops, the way the numpy
     * reference writes it ({@code e_k = W x_k + b}, {@code d = sqrt(|e1 - e2|^2 + 1e-8)}, {@code
     * dL/dd}, then {@code W -= lr (g1 x1^T + g2 x2^T)}), run on the same 20,000 pairs from the same
     * initial parameters. Distances on held-out pairs must agree to 1e-4 relative: the engine runs
     * in float, and rounding differences of 1e-7 per step accumulate.
     */
    @Test
    void learnerFollowsAnIndependentDoublePrecisionUpdate() throws IOException {
        LabelledRows[] split = digits().stratifiedSplit(0.7, SPLIT_SEED);
        OnlineLearner learner = OnlineLearner.create(LearnerConfig.reference(9), 64);
        float[] init = learner.parametersCopy();
        int in = 64;
        int out = 32;
        double[][] w = new double[out][in];
        double[] b = new double[out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) w[o][i] = init[o * in + i];
            b[o] = init[out * in + o];
        }
        double lr = 3e-4;
        double margin = 2.0;
        PairSampler pairs = new PairSampler(split[0], 0.5, 9);
        for (int step = 0; step < 20_000; step++) {
            pairs.next();
            float[] x1 = split[0].features(pairs.left());
            float[] x2 = split[0].features(pairs.right());
            learner.learn(x1, x2, pairs.label());
            double[] e1 = affine(w, b, x1);
            double[] e2 = affine(w, b, x2);
            double sq = 0;
            for (int o = 0; o < out; o++) sq += (e1[o] - e2[o]) * (e1[o] - e2[o]);
            double d = Math.sqrt(sq + 1e-8);
            double dLdd = pairs.label() == PairLabel.SAME ? d : -Math.max(0, margin - d);
            for (int o = 0; o < out; o++) {
                double g1 = dLdd * (e1[o] - e2[o]) / d; // dL/de1; dL/de2 = -g1
                for (int i = 0; i < in; i++) w[o][i] -= lr * g1 * (x1[i] - x2[i]);
                // the bias gradients g1 and -g1 cancel
            }
        }
        PairSampler test = new PairSampler(split[1], 0.5, 10);
        for (int k = 0; k < 100; k++) {
            test.next();
            float[] x1 = split[1].features(test.left());
            float[] x2 = split[1].features(test.right());
            double[] e1 = affine(w, b, x1);
            double[] e2 = affine(w, b, x2);
            double sq = 0;
            for (int o = 0; o < out; o++) sq += (e1[o] - e2[o]) * (e1[o] - e2[o]);
            double expected = Math.sqrt(sq + 1e-8);
            double actual = learner.score(x1, x2).value();
            assertThat(Math.abs(actual - expected) / expected).isLessThan(1e-4);
        }
    }

    private static double[] affine(double[][] w, double[] b, float[] x) {
        double[] e = new double[b.length];
        for (int o = 0; o < b.length; o++) {
            double s = b[o];
            for (int i = 0; i < x.length; i++) s += w[o][i] * x[i];
            e[o] = s;
        }
        return e;
    }
}
