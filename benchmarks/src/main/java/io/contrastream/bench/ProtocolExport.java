package io.contrastream.bench;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.eval.RocAuc;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one seed of the learning-quality protocol as plain files, so that a peer (PyTorch, numpy)
 * can run the very same stream: the rows of each pair (indices into {@code data/digits.csv.gz}),
 * the labels, and the engine's initial parameters. Then runs the engine on it and prints its
 * figures, for the peer's to be compared with.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.contrastream.bench.ProtocolExport
 * DIGITS_CSV_GZ SEED OUT_DIR}. Files: {@code train-pairs.csv} and {@code test-pairs.csv} (left,
 * right, 1 for SAME / 0 for DIFFERENT), {@code init.csv} (the 32 x 64 weights row by row, then the
 * 32 biases, one value a line, as printed by {@link Float#toString}), {@code engine.txt}.
 */
public final class ProtocolExport {

    private ProtocolExport() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ProtocolExport DIGITS_CSV_GZ SEED OUT_DIR");
            System.exit(2);
        }
        LabelledRows all = LabelledRows.readCsv(Path.of(args[0]), 1f / 16f);
        long seed = Long.parseLong(args[1]);
        Path out = Files.createDirectories(Path.of(args[2]));
        int[][] split = all.stratifiedSplitIndices(0.7, seed);
        LabelledRows train = all.subset(split[0]);
        LabelledRows test = all.subset(split[1]);
        // The same streams as ReferenceProtocolTest.runProtocol.
        OnlineLearner learner = OnlineLearner.create(LearnerConfig.reference(seed), 64);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("init.csv"))) {
            for (float v : learner.parametersCopy()) {
                w.write(Float.toString(v));
                w.newLine();
            }
        }
        PairSampler trainPairs = new PairSampler(train, 0.5, seed * 31 + 1);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("train-pairs.csv"))) {
            for (int i = 0; i < 200_000; i++) {
                trainPairs.next();
                learner.learn(
                        train.features(trainPairs.left()),
                        train.features(trainPairs.right()),
                        trainPairs.label());
                write(w, split[0][trainPairs.left()], split[0][trainPairs.right()], trainPairs);
            }
        }
        PairSampler testPairs = new PairSampler(test, 0.5, seed * 31 + 2);
        double[] d = new double[10_000];
        boolean[] same = new boolean[d.length];
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("test-pairs.csv"))) {
            for (int i = 0; i < d.length; i++) {
                testPairs.next();
                d[i] =
                        learner.score(
                                        test.features(testPairs.left()),
                                        test.features(testPairs.right()))
                                .value();
                same[i] = testPairs.label() == PairLabel.SAME;
                write(w, split[1][testPairs.left()], split[1][testPairs.right()], testPairs);
            }
        }
        String summary =
                String.format(
                        "engine seed %d: pair ROC-AUC %.4f, accuracy at margin/2 %.4f%n",
                        seed, RocAuc.ofDissimilarity(d, same), accuracy(d, same));
        Files.writeString(out.resolve("engine.txt"), summary);
        System.out.print(summary);
    }

    private static void write(BufferedWriter w, int left, int right, PairSampler pairs)
            throws IOException {
        w.write(left + "," + right + "," + (pairs.label() == PairLabel.SAME ? 1 : 0));
        w.newLine();
    }

    private static double accuracy(double[] d, boolean[] same) {
        int correct = 0;
        for (int i = 0; i < d.length; i++) {
            if ((d[i] < 1.0) == same[i]) correct++;
        }
        return correct / (double) d.length;
    }
}
