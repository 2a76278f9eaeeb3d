package io.contrastream.bench;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How much the quality protocol's figure moves with the train / test split: the reference
 * configuration over splits 0 .. N-1 (seed s: split s, initial parameters s + 1, training pairs s +
 * 1, test pairs s), one model each, printing each split's pair ROC-AUC and the mean and standard
 * deviation.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.contrastream.bench.SplitSpread
 * data/digits.csv.gz 12}.
 */
public final class SplitSpread {

    private SplitSpread() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SplitSpread DIGITS_CSV_GZ SPLITS");
            System.exit(2);
        }
        LabelledRows all = LabelledRows.readCsv(Path.of(args[0]), 1f / 16f);
        int splits = Integer.parseInt(args[1]);
        double sum = 0;
        double squares = 0;
        for (int seed = 0; seed < splits; seed++) {
            LabelledRows[] split = all.stratifiedSplit(0.7, seed);
            OnlineLearner learner = OnlineLearner.create(LearnerConfig.reference(seed + 1), 64);
            PairSampler train = new PairSampler(split[0], 0.5, seed + 1);
            for (int i = 0; i < 200_000; i++) {
                train.next();
                learner.learn(
                        split[0].features(train.left()),
                        split[0].features(train.right()),
                        train.label());
            }
            PairSampler test = new PairSampler(split[1], 0.5, seed);
            double[] d = new double[10_000];
            boolean[] same = new boolean[d.length];
            for (int i = 0; i < d.length; i++) {
                test.next();
                d[i] =
                        learner.score(
                                        split[1].features(test.left()),
                                        split[1].features(test.right()))
                                .value();
                same[i] = test.label() == PairLabel.SAME;
            }
            double auc = io.contrastream.loss.eval.RocAuc.ofDissimilarity(d, same);
            sum += auc;
            squares += auc * auc;
            System.out.printf("split %2d: pair ROC-AUC %.4f%n", seed, auc);
        }
        double mean = sum / splits;
        System.out.printf(
                "%d splits: mean %.4f, std %.4f%n",
                splits, mean, Math.sqrt(Math.max(0, squares / splits - mean * mean)));
    }
}
