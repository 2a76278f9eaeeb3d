package io.contrastream.job.evaluate;

import io.contrastream.job.cli.ReplayCommand;
import io.contrastream.job.export.ModelFile;
import io.contrastream.job.io.file.ModelFilesSink;
import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.distance.CosineSimilarity;
import io.contrastream.loss.distance.Distance;
import io.contrastream.loss.distance.EuclideanDistance;
import io.contrastream.loss.eval.NearestNeighbour;
import io.contrastream.loss.eval.RocAuc;
import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairScore;
import io.contrastream.schema.WireFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one run's replay outputs and measures them against the stream's {@link
 * ProtocolStream.Layout}: every number comes from what the engine wrote ({@code scores.jsonl},
 * {@code alerts.jsonl}, {@code models/<model>.safetensors}), never from a learner of our own.
 *
 * <p>Checks as it reads: no dead letter, every probe and test pair scored exactly once, unlabelled
 * pairs scored unlabelled; a violation is an {@link IllegalStateException} naming it, since the
 * figures would be wrong.
 */
public final class RunMeasurement {

    private RunMeasurement() {}

    /**
     * Measures the outputs in {@code outputDir} of the run labelled {@code label} over {@code
     * layout}.
     */
    public static RunResult measure(
            ProtocolStream.Layout layout, Path outputDir, String label, double wallSeconds)
            throws IOException, WireFormatException {
        Path deadLetters = outputDir.resolve(ReplayCommand.DEAD_LETTERS_FILE);
        if (Files.exists(deadLetters) && Files.size(deadLetters) > 0) {
            String first;
            try (BufferedReader r = Files.newBufferedReader(deadLetters, StandardCharsets.UTF_8)) {
                first = r.readLine();
            }
            throw new IllegalStateException(
                    "the engine dead-lettered events of the protocol stream ("
                            + deadLetters
                            + "); the first: "
                            + first);
        }
        List<ProtocolStream.ProbeBlock> blocks = layout.probes();
        double[][] probeDistance = new double[blocks.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            probeDistance[b] = nans(blocks.get(b).same().length);
        }
        double[] testDistance = nans(layout.testSame().length);
        double[] testThreshold = new double[testDistance.length];
        long trainScores = 0;
        JsonCodec<PairScore> scores = JsonCodec.forType(PairScore.class);
        try (BufferedReader r =
                Files.newBufferedReader(
                        outputDir.resolve(ReplayCommand.SCORES_FILE), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                PairScore s = scores.decode(line);
                String id = s.getEventId();
                if (id.startsWith(ProtocolStream.TRAIN_PREFIX)) {
                    trainScores++;
                    continue;
                }
                if (s.getLabel() != null) {
                    throw new IllegalStateException(id + " was sent unlabelled, scored labelled");
                }
                if (id.startsWith(ProtocolStream.TEST_PREFIX)) {
                    int k = Integer.parseInt(id.substring(ProtocolStream.TEST_PREFIX.length()));
                    once(testDistance, k - 1, id);
                    testDistance[k - 1] = s.getDistance();
                    testThreshold[k - 1] = s.getThreshold();
                } else if (id.startsWith(ProtocolStream.PROBE_PREFIX)) {
                    String[] parts = id.substring(ProtocolStream.PROBE_PREFIX.length()).split("-");
                    int b = Integer.parseInt(parts[0]);
                    int k = Integer.parseInt(parts[1]);
                    once(probeDistance[b], k - 1, id);
                    probeDistance[b][k - 1] = s.getDistance();
                } else {
                    throw new IllegalStateException("a score for an unknown event: " + id);
                }
            }
        }
        if (trainScores != layout.trainingPairs()) {
            throw new IllegalStateException(
                    trainScores
                            + " training pairs scored, the stream has "
                            + layout.trainingPairs());
        }
        requireScored(testDistance, "test pair");
        double[] probeAuc = new double[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            requireScored(probeDistance[b], "pair of probe block " + b);
            probeAuc[b] = RocAuc.ofDissimilarity(probeDistance[b], blocks.get(b).same());
        }
        boolean[] same = layout.testSame();
        int correct = 0;
        for (int i = 0; i < same.length; i++) {
            if ((testDistance[i] <= testThreshold[i]) == same[i]) {
                correct++;
            }
        }

        ModelFile model =
                ModelFile.read(
                        Files.readAllBytes(
                                ModelFilesSink.latest(
                                        outputDir.resolve(ReplayCommand.MODELS_DIR),
                                        ProtocolStream.MODEL)));
        NearestNeighbour.Result nn =
                embeddingNearestNeighbour(model, layout.train(), layout.test());

        return new RunResult(
                label,
                layout.seed(),
                RocAuc.ofDissimilarity(testDistance, same),
                correct / (double) same.length,
                testThreshold[testThreshold.length - 1],
                nn,
                probeAuc,
                layout.trainingPairs(),
                model.modelVersion(),
                wallSeconds,
                driftReport(layout, outputDir));
    }

    /**
     * 1-NN accuracy of {@code test} against {@code train} in the embedding of {@code model}
     * (embedded with {@link ModelFile#embedder}, which applies whatever the model file holds),
     * under the model's distance: Euclidean for the Euclidean loss, {@code 1 - cosine} for cosine.
     */
    public static NearestNeighbour.Result embeddingNearestNeighbour(
            ModelFile model, LabelledRows train, LabelledRows test) {
        ModelFile.Embedder embedder = model.embedder();
        Distance distance =
                model.lossForm() == ContrastiveLoss.Form.COSINE
                        ? new CosineSimilarity()
                        : new EuclideanDistance();
        return NearestNeighbour.accuracy(
                embed(embedder, train),
                classes(train),
                embed(embedder, test),
                classes(test),
                distance);
    }

    /** 1-NN accuracy of {@code test} against {@code train} in raw features, Euclidean. */
    public static NearestNeighbour.Result rawNearestNeighbour(
            LabelledRows train, LabelledRows test) {
        return NearestNeighbour.accuracy(
                rows(train), classes(train), rows(test), classes(test), new EuclideanDistance(0));
    }

    private static RunResult.DriftReport driftReport(ProtocolStream.Layout layout, Path outputDir)
            throws IOException, WireFormatException {
        if (layout.scenario() != Scenario.CLASS_SHIFT) {
            return null;
        }
        int half = layout.switchPoint();
        int before = 0;
        int after = 0;
        int first = -1;
        JsonCodec<ChangeAlert> alerts = JsonCodec.forType(ChangeAlert.class);
        try (BufferedReader r =
                Files.newBufferedReader(
                        outputDir.resolve(ReplayCommand.ALERTS_FILE), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                ChangeAlert a = alerts.decode(line);
                if (a.getKind() != AlertKind.DRIFT) {
                    continue;
                }
                int trained = layout.trainingPairsThrough(a.getEventTime().toEpochMilli());
                if (trained <= half) {
                    before++;
                } else {
                    after++;
                    if (first < 0) {
                        first = trained - half;
                    }
                }
            }
        }
        return new RunResult.DriftReport(half, before, after, first);
    }

    private static float[][] embed(ModelFile.Embedder embedder, LabelledRows rows) {
        float[][] out = new float[rows.size()][embedder.embeddingDim()];
        for (int i = 0; i < rows.size(); i++) {
            embedder.embed(rows.features(i), out[i]);
        }
        return out;
    }

    private static float[][] rows(LabelledRows rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = rows.features(i);
        }
        return out;
    }

    private static int[] classes(LabelledRows rows) {
        int[] c = new int[rows.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = rows.classOf(i);
        }
        return c;
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    private static void once(double[] seen, int index, String id) {
        if (index < 0 || index >= seen.length) {
            throw new IllegalStateException("a score for an event the stream does not hold: " + id);
        }
        if (!Double.isNaN(seen[index])) {
            throw new IllegalStateException(id + " was scored twice");
        }
    }

    private static void requireScored(double[] distances, String what) {
        for (int i = 0; i < distances.length; i++) {
            if (Double.isNaN(distances[i])) {
                throw new IllegalStateException(what + " " + (i + 1) + " was not scored");
            }
        }
    }
}
