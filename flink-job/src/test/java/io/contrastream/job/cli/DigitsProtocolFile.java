package io.contrastream.job.cli;

import io.contrastream.job.evaluate.ProtocolStream;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.PairResult;
import io.contrastream.loss.learner.UpdateOutcome;
import io.contrastream.schema.Item;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairEvent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The learning-quality protocol of QUALITY.md as a replay input: 200,000 labelled training pairs,
 * then 10,000 unlabelled test pairs (label null), all for model {@value #MODEL}, one PairEvent per
 * line in the JSON format. The streams are those of loss-core's {@code
 * ReferenceProtocolTest.runProtocol}: {@code stratifiedSplit(0.7, seed)}, training pairs from
 * {@code PairSampler(train, 0.5, seed * 31 + 1)}, test pairs from {@code PairSampler(test, 0.5,
 * seed * 31 + 2)}; {@code --seed seed} with the reference flags gives the model that test starts
 * from ({@code LearnerConfig.reference(seed)}).
 *
 * <p>Event ids tell train from test: {@code train-000001} ... {@code train-200000}, then {@code
 * test-00001} ... {@code test-10000}. Item ids are {@code row-N}, N the 0-based row of {@code
 * digits.csv.gz}. Event times are 1 ms apart from 2023-11-14T22:13:20Z.
 */
final class DigitsProtocolFile {

    static final String MODEL = "digits";
    static final int TRAIN_PAIRS = 200_000;
    static final int TEST_PAIRS = 10_000;
    static final String TRAIN_PREFIX = "train-";
    static final String TEST_PREFIX = "test-";
    static final long FIRST_EVENT_TIME = 1_700_000_000_000L;

    private DigitsProtocolFile() {}

    /** The digits data, pixels / 16, from the copy bundled on the classpath. */
    static LabelledRows digits() throws IOException {
        try (InputStream in = DigitsProtocolFile.class.getResourceAsStream("/data/digits.csv.gz")) {
            if (in == null) {
                throw new IOException("data/digits.csv.gz is not on the classpath");
            }
            return LabelledRows.readCsv(new GZIPInputStream(in), 1f / 16f, "digits.csv.gz");
        }
    }

    /**
     * Writes the protocol of {@code seed} to {@code file}.
     *
     * @return for each test pair in order, true if it is a SAME pair (the labels the file hides)
     */
    static boolean[] write(LabelledRows all, long seed, Path file) throws IOException {
        int[][] split = all.stratifiedSplitIndices(0.7, seed);
        LabelledRows train = all.subset(split[0]);
        LabelledRows test = all.subset(split[1]);
        Item[] items = new Item[all.size()];
        JsonCodec<PairEvent> codec = JsonCodec.forType(PairEvent.class);
        boolean[] same = new boolean[TEST_PAIRS];
        long time = FIRST_EVENT_TIME;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            PairSampler trainPairs = new PairSampler(train, 0.5, seed * 31 + 1);
            for (int i = 1; i <= TRAIN_PAIRS; i++) {
                trainPairs.next();
                PairEvent event =
                        ProtocolStream.event(
                                String.format("%s%06d", TRAIN_PREFIX, i),
                                ProtocolStream.item(all, items, split[0][trainPairs.left()]),
                                ProtocolStream.item(all, items, split[0][trainPairs.right()]),
                                trainPairs.label(),
                                time++);
                out.write(codec.encode(event));
                out.write('\n');
            }
            PairSampler testPairs = new PairSampler(test, 0.5, seed * 31 + 2);
            for (int i = 1; i <= TEST_PAIRS; i++) {
                testPairs.next();
                same[i - 1] = testPairs.label() == PairLabel.SAME;
                PairEvent event =
                        ProtocolStream.event(
                                String.format("%s%05d", TEST_PREFIX, i),
                                ProtocolStream.item(all, items, split[1][testPairs.left()]),
                                ProtocolStream.item(all, items, split[1][testPairs.right()]),
                                null,
                                time++);
                out.write(codec.encode(event));
                out.write('\n');
            }
        }
        return same;
    }

    /**
     * The same protocol run on loss-core alone, as {@code ReferenceProtocolTest.runProtocol} runs
     * it: the test pairs' distances, in order.
     */
    static double[] learnerOnlyDistances(LabelledRows all, long seed) {
        LabelledRows[] split = all.stratifiedSplit(0.7, seed);
        OnlineLearner learner = OnlineLearner.create(LearnerConfig.reference(seed), 64);
        PairSampler trainPairs = new PairSampler(split[0], 0.5, seed * 31 + 1);
        for (int i = 0; i < TRAIN_PAIRS; i++) {
            trainPairs.next();
            PairResult r =
                    learner.learn(
                            split[0].features(trainPairs.left()),
                            split[0].features(trainPairs.right()),
                            trainPairs.label());
            if (r.outcome() != UpdateOutcome.APPLIED) {
                throw new AssertionError("update " + i + " was " + r.outcome());
            }
        }
        PairSampler testPairs = new PairSampler(split[1], 0.5, seed * 31 + 2);
        double[] d = new double[TEST_PAIRS];
        for (int i = 0; i < TEST_PAIRS; i++) {
            testPairs.next();
            d[i] =
                    learner.score(
                                    split[1].features(testPairs.left()),
                                    split[1].features(testPairs.right()))
                            .dissimilarity();
        }
        return d;
    }
}
