package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.job.JobSettings;
import io.contrastream.job.export.ModelFile;
import io.contrastream.job.io.file.ModelFilesSink;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.eval.RocAuc;
import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import io.contrastream.schema.Item;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import io.contrastream.schema.PairScore;
import io.contrastream.schema.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replay} end to end: the pipeline {@link ReplayCommand#buildPipeline} builds, on a
 * MiniCluster, over a small file with three models and bad lines of every kind; then the command
 * itself over the digits protocol, against loss-core run alone on the same stream.
 */
class ReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private static final int METRICS_EVERY = 7;

    /** A line of the small file and what should become of it. */
    private record Line(String text, String eventId, String model, PairLabel label) {}

    /** The small file: line number -> line (blank lines have no entry). */
    private final Map<Long, Line> lines = new TreeMap<>();

    /** Bad line number -> the reason its dead letter must give. */
    private final Map<Long, DeadLetterReason> badLines = new TreeMap<>();

    @Test
    void everyLineComesOutOnceAsAScoreOrADeadLetterAndEveryModelsMetricsArrive() throws Exception {
        Path input = dir.resolve("events.jsonl");
        Map<String, Integer> perModel = writeSmallFile(input);
        Path out = Files.createDirectories(dir.resolve("out"));

        ReplayCommand command = new ReplayCommand();
        new CommandLine(command).parseArgs(smallFileArgs(input, out).toArray(new String[0]));
        JobSettings settings = command.checkSettings();
        Configuration conf = ReplayCommand.configuration("hashmap");
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        assertThat(env.getParallelism()).isEqualTo(2);
        ReplayCommand.buildPipeline(env, input, out, settings);
        assertThat(env.getParallelism()).as("left as it was").isEqualTo(2);
        for (StreamNode node : env.getStreamGraph(false).getStreamNodes()) {
            assertThat(node.getParallelism())
                    .as("parallelism of %s", node.getOperatorName())
                    .isEqualTo(1);
        }
        env.execute("replay small file");

        List<PairScore> scores = readAll(out.resolve(ReplayCommand.SCORES_FILE), PairScore.class);
        List<DeadLetter> deadLetters =
                readAll(out.resolve(ReplayCommand.DEAD_LETTERS_FILE), DeadLetter.class);
        List<LossMetrics> metrics =
                readAll(out.resolve(ReplayCommand.METRICS_FILE), LossMetrics.class);
        List<ChangeAlert> alerts =
                readAll(out.resolve(ReplayCommand.ALERTS_FILE), ChangeAlert.class);

        // Every non-blank line exactly once: a score (by event id) or a dead letter (by line).
        Map<String, Long> lineOfEvent = new HashMap<>();
        lines.forEach(
                (n, l) -> {
                    if (l.eventId() != null) lineOfEvent.put(l.eventId(), n);
                });
        List<Long> seen = new ArrayList<>();
        for (PairScore s : scores) {
            assertThat(lineOfEvent)
                    .as("scored event %s", s.getEventId())
                    .containsKey(s.getEventId());
            seen.add(lineOfEvent.get(s.getEventId()));
        }
        Map<Long, DeadLetterReason> reasons = new TreeMap<>();
        for (DeadLetter d : deadLetters) {
            assertThat(d.getSource()).isEqualTo("file");
            assertThat(d.getTopic()).isNull();
            assertThat(d.getPartition()).isNull();
            assertThat(d.getOffset()).isNull();
            assertThat(d.getLine()).isNotNull();
            seen.add(d.getLine());
            reasons.put(d.getLine(), d.getReason());
            if (d.getReason() != DeadLetterReason.DIMENSION_MISMATCH) {
                // Refused at decoding: the original is the line as it is in the file.
                assertThat(new String(bytes(d.getOriginal()), StandardCharsets.UTF_8))
                        .isEqualTo(lines.get(d.getLine()).text());
            }
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(lines.keySet());
        assertThat(reasons).isEqualTo(badLines);

        // Each model's pairs were trained in file order: scores in file order per model, and
        // each scored by the model as it stood after the labelled pairs before it.
        Map<String, List<Long>> order = new HashMap<>();
        Map<String, Long> labelledBefore = new HashMap<>();
        for (PairScore s : scores) {
            long line = lineOfEvent.get(s.getEventId());
            Line l = lines.get(line);
            assertThat(s.getModel()).isEqualTo(l.model());
            assertThat(s.getLabel()).isEqualTo(l.label());
            long before = labelledBefore.getOrDefault(s.getModel(), 0L);
            assertThat(s.getModelVersion()).as("version at line %d", line).isEqualTo(before);
            if (l.label() != null) {
                labelledBefore.put(s.getModel(), before + 1);
            }
            order.computeIfAbsent(s.getModel(), m -> new ArrayList<>()).add(line);
        }
        for (List<Long> modelLines : order.values()) {
            assertThat(modelLines).isSorted();
        }

        // Metrics: every METRICS_EVERY pairs of a model, plus the end-of-input record of the
        // window left open (fired by the final watermark), so they cover every pair once.
        Map<String, List<LossMetrics>> byModel = new LinkedHashMap<>();
        for (LossMetrics m : metrics) {
            byModel.computeIfAbsent(m.getModel(), k -> new ArrayList<>()).add(m);
        }
        assertThat(byModel.keySet()).containsExactlyInAnyOrderElementsOf(perModel.keySet());
        for (Map.Entry<String, Integer> e : perModel.entrySet()) {
            int n = e.getValue();
            assertThat(n % METRICS_EVERY).as("a window is left open").isNotZero();
            List<LossMetrics> ms = byModel.get(e.getKey());
            assertThat(ms).hasSize(n / METRICS_EVERY + 1);
            assertThat(ms.stream().mapToLong(LossMetrics::getCount).sum()).isEqualTo(n);
            LossMetrics last = ms.get(ms.size() - 1);
            assertThat(last.getCount()).isEqualTo(n % METRICS_EVERY);
            assertThat(last.getModelVersion()).isEqualTo(labelledBefore.get(e.getKey()));
        }

        // Alerts: one CHANGE alert per score flagged as an alert (plus any drift alerts).
        long flagged = scores.stream().filter(PairScore::getAlert).count();
        assertThat(alerts.stream().filter(a -> a.getKind() == AlertKind.CHANGE).count())
                .isEqualTo(flagged);
    }

    /**
     * The digits protocol (QUALITY.md) through the {@code replay} command with the reference flags:
     * the held-out pairs' pair ROC-AUC lands in the reference range and equals, to 1e-9, loss-core
     * run alone on the same stream (as ReferenceProtocolTest runs seed 1).
     */
    @Test
    void digitsProtocolMatchesLossCoreOnTheSameStream() throws Exception {
        long seed = 1;
        LabelledRows digits = DigitsProtocolFile.digits();
        Path input = dir.resolve("digits-protocol.jsonl");
        boolean[] same = DigitsProtocolFile.write(digits, seed, input);
        Path out = dir.resolve("digits-out");

        long start = System.nanoTime();
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .execute(
                                "replay",
                                "--input",
                                input.toString(),
                                "--output-dir",
                                out.toString(),
                                "--encoder",
                                "linear",
                                "--embedding-dim",
                                "32",
                                "--loss",
                                "euclidean",
                                "--margin",
                                "2",
                                "--optimizer",
                                "sgd",
                                "--learning-rate",
                                "3e-4",
                                "--clip-norm",
                                "0",
                                "--standardize",
                                "none",
                                "--init",
                                "pytorch_uniform",
                                "--seed",
                                String.valueOf(seed),
                                "--warmup",
                                "0",
                                "--format",
                                "json",
                                "--metrics-every",
                                "10000");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(exit).isZero();
        System.out.printf(
                "replay of the digits protocol (%,d lines, %,d bytes): %.1f s wall%n",
                DigitsProtocolFile.TRAIN_PAIRS + DigitsProtocolFile.TEST_PAIRS,
                Files.size(input),
                seconds);

        double[] replayed = new double[DigitsProtocolFile.TEST_PAIRS];
        Arrays.fill(replayed, Double.NaN);
        long trainScores = 0;
        JsonCodec<PairScore> codec = JsonCodec.forType(PairScore.class);
        for (String line : Files.readAllLines(out.resolve(ReplayCommand.SCORES_FILE))) {
            PairScore s = codec.decode(line);
            String id = s.getEventId();
            if (id.startsWith(DigitsProtocolFile.TEST_PREFIX)) {
                int k = Integer.parseInt(id.substring(DigitsProtocolFile.TEST_PREFIX.length()));
                assertThat(s.getLabel()).isNull();
                assertThat(s.getModelVersion()).isEqualTo(DigitsProtocolFile.TRAIN_PAIRS);
                assertThat(replayed[k - 1]).as("%s scored once", id).isNaN();
                replayed[k - 1] = s.getDistance();
            } else {
                assertThat(id).startsWith(DigitsProtocolFile.TRAIN_PREFIX);
                trainScores++;
            }
        }
        assertThat(trainScores).isEqualTo(DigitsProtocolFile.TRAIN_PAIRS);
        assertThat(replayed).doesNotContain(Double.NaN);
        assertThat(out.resolve(ReplayCommand.DEAD_LETTERS_FILE)).isEmptyFile();
        List<LossMetrics> metrics =
                readAll(out.resolve(ReplayCommand.METRICS_FILE), LossMetrics.class);
        assertThat(metrics).hasSize(21);
        assertThat(metrics.get(metrics.size() - 1).getModelVersion())
                .isEqualTo(DigitsProtocolFile.TRAIN_PAIRS);
        // The final model, as a file: its version is every training pair.
        String model = metrics.get(0).getModel();
        Path models = out.resolve(ReplayCommand.MODELS_DIR);
        ModelFile file = ModelFile.read(Files.readAllBytes(ModelFilesSink.latest(models, model)));
        assertThat(file.model()).isEqualTo(model);
        assertThat(file.modelVersion()).isEqualTo(DigitsProtocolFile.TRAIN_PAIRS);
        assertThat(file.inputDim()).isEqualTo(64);
        assertThat(models.resolve(model + "-v" + DigitsProtocolFile.TRAIN_PAIRS + ".safetensors"))
                .exists();

        double[] direct = DigitsProtocolFile.learnerOnlyDistances(digits, seed);
        for (int i = 0; i < direct.length; i++) {
            assertThat(replayed[i])
                    .as("distance of test pair %d", i + 1)
                    .isCloseTo(direct[i], within(1e-9));
        }
        double auc = RocAuc.ofDissimilarity(replayed, same);
        double accuracy = accuracyAtMarginHalf(replayed, same);
        System.out.printf(
                "replay, digits seed %d: pair ROC-AUC %.4f, accuracy at margin/2 %.4f%n",
                seed, auc, accuracy);
        assertThat(auc).isCloseTo(RocAuc.ofDissimilarity(direct, same), within(1e-9));
        assertThat(auc).isBetween(0.9629 - 0.004, 0.9629 + 0.004);
        // Seed 1 of ReferenceProtocolTest: 0.9631 and 0.8983.
        assertThat(auc).isCloseTo(0.9631, within(1e-4));
        assertThat(accuracy).isCloseTo(0.8983, within(1e-4));
    }

    /**
     * {@code --chain-trainer}: the trainer runs in the decoder's task, with no shuffle between
     * them, and every output is the same as behind the shuffle: the same scores in the same order,
     * the same metrics, alerts and dead letters.
     */
    @Test
    void aChainedTrainerGivesTheSameOutputsAsAShuffledOne() throws Exception {
        Path input = dir.resolve("events.jsonl");
        writeSmallFile(input);
        Path shuffled = replaySmallFile(input, "shuffled", false);
        Path chained = replaySmallFile(input, "chained", true);

        List<PairScore> scores =
                readAll(shuffled.resolve(ReplayCommand.SCORES_FILE), PairScore.class);
        assertThat(scores).hasSizeGreaterThan(20);
        assertThat(readAll(chained.resolve(ReplayCommand.SCORES_FILE), PairScore.class))
                .containsExactlyElementsOf(scores);
        List<LossMetrics> metrics =
                readAll(shuffled.resolve(ReplayCommand.METRICS_FILE), LossMetrics.class);
        assertThat(metrics).isNotEmpty();
        assertThat(readAll(chained.resolve(ReplayCommand.METRICS_FILE), LossMetrics.class))
                .containsExactlyElementsOf(metrics);
        assertThat(readAll(chained.resolve(ReplayCommand.ALERTS_FILE), ChangeAlert.class))
                .containsExactlyElementsOf(
                        readAll(shuffled.resolve(ReplayCommand.ALERTS_FILE), ChangeAlert.class));
        // Decoder and trainer dead letters meet in one sink: the same ones, in either order, each
        // but for the time of refusal a letter the decoder refuses carries (the engine's clock).
        List<String> deadLetters =
                deadLettersButTheirTime(shuffled.resolve(ReplayCommand.DEAD_LETTERS_FILE));
        assertThat(deadLetters).isNotEmpty();
        assertThat(deadLettersButTheirTime(chained.resolve(ReplayCommand.DEAD_LETTERS_FILE)))
                .containsExactlyInAnyOrderElementsOf(deadLetters);
    }

    private static List<String> deadLettersButTheirTime(Path file) throws IOException {
        List<String> letters = new ArrayList<>();
        for (DeadLetter d : readAll(file, DeadLetter.class)) {
            letters.add(
                    d.getReason()
                            + " "
                            + d.getLine()
                            + " "
                            + d.getModel()
                            + " "
                            + d.getMessage()
                            + " "
                            + d.getOriginal());
        }
        return letters;
    }

    /** The replay flags of the small file's runs. */
    private static List<String> smallFileArgs(Path input, Path out) {
        return new ArrayList<>(
                List.of(
                        "--input",
                        input.toString(),
                        "--output-dir",
                        out.toString(),
                        "--format",
                        "json",
                        "--metrics-every",
                        String.valueOf(METRICS_EVERY),
                        "--warmup",
                        "0",
                        "--seed",
                        "7"));
    }

    /** Replays the small file into {@code dir/name}, the trainer chained or behind the shuffle. */
    private Path replaySmallFile(Path input, String name, boolean chain) throws Exception {
        Path out = Files.createDirectories(dir.resolve(name));
        List<String> args = smallFileArgs(input, out);
        if (chain) {
            args.add("--chain-trainer");
        }
        ReplayCommand command = new ReplayCommand();
        new CommandLine(command).parseArgs(args.toArray(new String[0]));
        JobSettings settings = command.checkSettings();
        assertThat(settings.chainTrainer()).isEqualTo(chain);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ReplayCommand.configuration("hashmap"));
        ReplayCommand.buildPipeline(env, input, out, settings);
        // Where the trainer runs: in the decoder's task (one vertex holds both), or its own.
        boolean together = false;
        for (JobVertex vertex : env.getStreamGraph(false).getJobGraph().getVertices()) {
            if (vertex.getName().contains("decode and validate")
                    && vertex.getName().contains("online contrastive trainer")) {
                together = true;
            }
        }
        assertThat(together).as("trainer chained to the decoder").isEqualTo(chain);
        env.execute("replay small file, " + name);
        return out;
    }

    private static double accuracyAtMarginHalf(double[] distance, boolean[] same) {
        int correct = 0;
        for (int i = 0; i < distance.length; i++) {
            if ((distance[i] < 1.0) == same[i]) correct++;
        }
        return correct / (double) distance.length;
    }

    /** Writes the small file; returns the number of valid pairs per model. */
    private Map<String, Integer> writeSmallFile(Path file) throws IOException {
        Random random = new Random(42);
        String[] models = {"alpha", "beta", "gamma"};
        int[] dims = {4, 4, 8};
        int[] counts = {25, 18, 22};
        String[] bad = {
            "this is not json",
            "{\"event_id\":\"bad-2\",\"model\":\"alpha\"",
            "[1,2,3]",
            "{\"event_id\":\"bad-4\",\"model\":\"alpha\",\"left\":{\"id\":\"a\",\"features\":[1,2,3,4]},"
                    + "\"label\":\"SAME\",\"event_time\":1700000000000}",
            event("bad-5", "alpha", 4, 4, "\"same\"", "1700000000000"),
            event("bad-6", "beta", 4, 4, "null", "\"2023-11-14T22:13:20Z\""),
            event("bad-7", "", 4, 4, "null", "1700000000000"),
            event("", "beta", 4, 4, "\"SAME\"", "1700000000000"),
            event("bad-9", "gamma", 0, 0, "\"SAME\"", "1700000000000"),
            event("bad-10", "gamma", 8, 7, "\"DIFFERENT\"", "1700000000000"),
            "{\"event_id\":\"bad-11\",\"model\":\"alpha\",\"left\":{\"id\":\"a\",\"features\":[1,\"NaN\",3,4]},"
                    + "\"right\":{\"id\":\"b\",\"features\":[1,2,3,4]},\"label\":null,\"event_time\":1700000000000}",
            event("bad-12", "alpha", 3, 3, "\"SAME\"", "1700000000000"),
            event("bad-13", "beta", 4, 4, "null", "-5"),
        };
        DeadLetterReason[] reasons = {
            DeadLetterReason.UNDECODABLE,
            DeadLetterReason.UNDECODABLE,
            DeadLetterReason.UNDECODABLE,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.UNKNOWN_LABEL,
            DeadLetterReason.BAD_TIMESTAMP,
            DeadLetterReason.EMPTY_MODEL,
            DeadLetterReason.EMPTY_ID,
            DeadLetterReason.EMPTY_FEATURES,
            DeadLetterReason.LEFT_RIGHT_DIMENSION_MISMATCH,
            DeadLetterReason.NON_FINITE_FEATURE,
            DeadLetterReason.DIMENSION_MISMATCH, // alpha's model already expects 4 values
            DeadLetterReason.BAD_TIMESTAMP,
        };
        // The valid events in a random interleaving of the models, alpha first.
        List<Integer> sequence = new ArrayList<>();
        for (int m = 0; m < models.length; m++) {
            for (int k = 0; k < counts[m]; k++) sequence.add(m);
        }
        java.util.Collections.shuffle(sequence, random);
        sequence.remove(Integer.valueOf(0));
        sequence.add(0, 0);

        JsonCodec<PairEvent> codec = JsonCodec.forType(PairEvent.class);
        StringBuilder text = new StringBuilder();
        long line = 0;
        int nextBad = 0;
        for (int k = 0; k < sequence.size(); k++) {
            int m = sequence.get(k);
            double u = random.nextDouble();
            PairLabel label = u < 0.4 ? PairLabel.SAME : u < 0.8 ? PairLabel.DIFFERENT : null;
            String id = "ev-" + k;
            PairEvent e =
                    PairEvent.newBuilder()
                            .setEventId(id)
                            .setModel(models[m])
                            .setLeft(item("l" + k, dims[m], random))
                            .setRight(item("r" + k, dims[m], random))
                            .setLabel(label)
                            .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + k))
                            .build();
            String json = codec.encodeToString(e);
            line++;
            lines.put(line, new Line(json, id, models[m], label));
            // A CRLF line, and the last line without a newline.
            text.append(json).append(k == 10 ? "\r\n" : k == sequence.size() - 1 ? "" : "\n");
            if (k % 9 == 4) {
                text.append(k % 2 == 0 ? "\n" : "   \n");
                line++;
            }
            if (k >= 3 && k % 5 == 3 && nextBad < bad.length) {
                text.append(bad[nextBad]).append('\n');
                line++;
                lines.put(line, new Line(bad[nextBad], null, null, null));
                badLines.put(line, reasons[nextBad]);
                nextBad++;
            }
        }
        assertThat(nextBad).as("every bad line placed").isEqualTo(bad.length);
        Files.writeString(file, text.toString());
        Map<String, Integer> perModel = new LinkedHashMap<>();
        for (int m = 0; m < models.length; m++) perModel.put(models[m], counts[m]);
        return perModel;
    }

    private static Item item(String id, int dim, Random random) {
        List<Float> f = new ArrayList<>(dim);
        for (int i = 0; i < dim; i++) f.add(random.nextFloat());
        return Item.newBuilder().setId(id).setFeatures(f).build();
    }

    /** A pair event as text, with {@code left} and {@code right} values and raw label and time. */
    private static String event(
            String id, String model, int left, int right, String label, String time) {
        return "{\"event_id\":\""
                + id
                + "\",\"model\":\""
                + model
                + "\",\"left\":{\"id\":\"a\",\"features\":"
                + values(left)
                + "},\"right\":{\"id\":\"b\",\"features\":"
                + values(right)
                + "},\"label\":"
                + label
                + ",\"event_time\":"
                + time
                + "}";
    }

    private static String values(int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) s.append(i == 0 ? "" : ",").append(0.25 * (i + 1));
        return s.append(']').toString();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    /** Decodes every line of a JSON-lines output; fails on a line that is not a valid record. */
    static <T extends SpecificRecord> List<T> readAll(Path file, Class<T> type) throws IOException {
        JsonCodec<T> codec = JsonCodec.forType(type);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<T> records = new ArrayList<>();
        if (text.isEmpty()) {
            return records;
        }
        assertThat(text).as("%s ends with a newline", file).endsWith("\n");
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            try {
                records.add(codec.decode(lines[i]));
            } catch (WireFormatException e) {
                throw new AssertionError(
                        file + " line " + (i + 1) + " is not a " + type.getSimpleName(), e);
            }
        }
        return records;
    }
}
