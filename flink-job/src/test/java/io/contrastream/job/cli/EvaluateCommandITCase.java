package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.job.evaluate.EvaluationReport;
import io.contrastream.job.evaluate.ProtocolStream;
import io.contrastream.job.evaluate.RunMeasurement;
import io.contrastream.job.evaluate.RunResult;
import io.contrastream.job.export.ModelFile;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.eval.NearestNeighbour;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.PairResult;
import io.contrastream.loss.learner.UpdateOutcome;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code contrastream evaluate} end to end on a MiniCluster, small: one seed, 20,000 training
 * pairs, 2,000 test pairs, probes after 1,000, 5,000 and 20,000 pairs, the defaults and the
 * reference configuration. Every figure it reports is recomputed from loss-core alone, fed the same
 * pairs without any probe: the test pairs' ROC-AUC and accuracy, each probe's AUC, and the 1-NN
 * accuracy of the final model. Equal figures show that the engine's run is loss-core's run and that
 * the unlabelled probes did not change the model.
 */
class EvaluateCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private static final int PAIRS = 20_000;
    private static final int TEST_PAIRS = 2_000;
    private static final int[] PROBES = {1000, 5000, 20_000};
    private static final int PROBE_PAIRS = 1_000;
    private static final long SEED = 1;

    /** What loss-core alone gives on the protocol's stream (no probes in it). */
    private record Direct(
            double auc, double accuracy, double[] probeAuc, NearestNeighbour.Result nn) {}

    @Test
    void figuresEqualLossCoreOnTheSameStreamAndThePlotAndCurveAreWritten() throws Exception {
        Path work = dir.resolve("work");
        Path png = dir.resolve("curve.png");
        Path csv = dir.resolve("curve.csv");
        EvaluateCommand command = new EvaluateCommand();
        long start = System.nanoTime();
        int exit =
                new CommandLine(command)
                        .execute(
                                "--seeds",
                                "1",
                                "--pairs",
                                String.valueOf(PAIRS),
                                "--test-pairs",
                                String.valueOf(TEST_PAIRS),
                                "--probes",
                                "1000,5000,20000",
                                "--probe-pairs",
                                String.valueOf(PROBE_PAIRS),
                                "--compare-reference",
                                "--plot",
                                png.toString(),
                                "--csv",
                                csv.toString(),
                                "--work-dir",
                                work.toString());
        System.out.printf(
                "evaluate, 2 configurations x 1 seed of %,d pairs: %.1f s wall%n",
                PAIRS, (System.nanoTime() - start) / 1e9);
        assertThat(exit).isZero();
        EvaluationReport report = command.report();
        assertThat(report.runs()).hasSize(2);

        LabelledRows digits = ProtocolStream.digits();
        ReplayCommand defaults =
                EvaluateCommand.replayCommand(
                        List.of(), SEED, dir.resolve("unused"), dir.resolve("unused-out"));
        LearnerConfig[] configs = {
            defaults.model.trainer().learner(), LearnerConfig.reference(SEED)
        };
        String[] labels = {"defaults", EvaluateCommand.REFERENCE_LABEL};
        for (int c = 0; c < 2; c++) {
            RunResult run = report.runsOf(labels[c]).get(0);
            Direct direct = lossCoreAlone(digits, configs[c]);
            assertThat(run.modelVersion()).as("updates of %s", labels[c]).isEqualTo(PAIRS);
            assertThat(run.auc())
                    .as("test AUC of %s", labels[c])
                    .isCloseTo(direct.auc(), within(1e-9));
            assertThat(run.accuracy())
                    .as("accuracy of %s", labels[c])
                    .isCloseTo(direct.accuracy(), within(1e-12));
            for (int b = 0; b < PROBES.length; b++) {
                assertThat(run.probeAuc()[b])
                        .as("%s AUC after %d pairs", labels[c], PROBES[b])
                        .isCloseTo(direct.probeAuc()[b], within(1e-9));
            }
            assertThat(run.nearestNeighbour().accuracy())
                    .as("1-NN of %s", labels[c])
                    .isCloseTo(direct.nn().accuracy(), within(1e-12));
            System.out.printf(
                    "evaluate ITCase, %s: test AUC %.4f, accuracy %.4f, 1-NN %.4f, AUC after"
                            + " 1,000 / 5,000 / 20,000 pairs %.4f / %.4f / %.4f%n",
                    labels[c],
                    run.auc(),
                    run.accuracy(),
                    run.nearestNeighbour().accuracy(),
                    run.probeAuc()[0],
                    run.probeAuc()[1],
                    run.probeAuc()[2]);
        }
        LabelledRows[] split = digits.stratifiedSplit(0.7, SEED);
        assertThat(report.rawNearestNeighbour().get(0).accuracy())
                .isEqualTo(RunMeasurement.rawNearestNeighbour(split[0], split[1]).accuracy());

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("the PNG decodes").isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(500);

        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).isEqualTo("configuration,scenario,seed,pairs,classes,auc");
        assertThat(rows.subList(1, rows.size()))
                .as("one row per probe and configuration")
                .hasSize(2 * PROBES.length)
                .allMatch(
                        r ->
                                r.matches(
                                        "(defaults|reference),standard,1,(1000|5000|20000),0-9,0\\.\\d{6}"));
        assertThat(work.resolve("seed-1")).as("work files deleted without --keep").doesNotExist();
    }

    /**
     * The protocol on loss-core alone, drawn here from its definition: {@code stratifiedSplit(0.7,
     * s)}, training pairs from {@code PairSampler(train, 0.5, s * 31 + 1)}, test pairs from {@code
     * PairSampler(test, 0.5, s * 31 + 2)}; at each probe point the probe pairs from a fresh {@code
     * PairSampler(test, 0.5, s * 31 + 3)}, only scored ({@link OnlineLearner#score} changes
     * nothing), never fed to the learner.
     */
    private static Direct lossCoreAlone(LabelledRows all, LearnerConfig config) throws Exception {
        LabelledRows[] split = all.stratifiedSplit(0.7, SEED);
        LabelledRows train = split[0];
        LabelledRows test = split[1];
        OnlineLearner learner = OnlineLearner.create(config, all.dimension());
        PairSampler trainPairs = new PairSampler(train, 0.5, SEED * 31 + 1);
        double[] probeAuc = new double[PROBES.length];
        int nextProbe = 0;
        for (int i = 1; i <= PAIRS; i++) {
            trainPairs.next();
            PairResult r =
                    learner.process(
                            train.features(trainPairs.left()),
                            train.features(trainPairs.right()),
                            trainPairs.label());
            assertThat(r.outcome()).isEqualTo(UpdateOutcome.APPLIED);
            if (nextProbe < PROBES.length && PROBES[nextProbe] == i) {
                PairSampler probe = new PairSampler(test, 0.5, SEED * 31 + 3);
                double[] d = new double[PROBE_PAIRS];
                boolean[] same = new boolean[PROBE_PAIRS];
                for (int k = 0; k < PROBE_PAIRS; k++) {
                    probe.next();
                    d[k] =
                            learner.score(test.features(probe.left()), test.features(probe.right()))
                                    .dissimilarity();
                    same[k] = probe.label() == PairLabel.SAME;
                }
                probeAuc[nextProbe++] = io.contrastream.loss.eval.RocAuc.ofDissimilarity(d, same);
            }
        }
        PairSampler testPairs = new PairSampler(test, 0.5, SEED * 31 + 2);
        double[] d = new double[TEST_PAIRS];
        boolean[] same = new boolean[TEST_PAIRS];
        int correct = 0;
        for (int k = 0; k < TEST_PAIRS; k++) {
            testPairs.next();
            PairResult r =
                    learner.score(
                            test.features(testPairs.left()), test.features(testPairs.right()));
            d[k] = r.dissimilarity();
            same[k] = testPairs.label() == PairLabel.SAME;
            if ((d[k] <= r.threshold()) == same[k]) {
                correct++;
            }
        }
        ModelFile model = ModelFile.read(ModelFile.write(ProtocolStream.MODEL, learner));
        return new Direct(
                io.contrastream.loss.eval.RocAuc.ofDissimilarity(d, same),
                correct / (double) TEST_PAIRS,
                probeAuc,
                RunMeasurement.embeddingNearestNeighbour(model, train, test));
    }
}
