package io.contrastream.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.JobEnvironment;
import io.contrastream.job.JobSettings;
import io.contrastream.job.KafkaTestSupport;
import io.contrastream.job.cli.ModelOptions;
import io.contrastream.job.demo.EmbeddedKafka;
import io.contrastream.job.export.ModelFile;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.io.kafka.KafkaClientProperties;
import io.contrastream.job.io.kafka.KafkaInput;
import io.contrastream.job.io.kafka.KafkaOutputs;
import io.contrastream.job.model.RawRecord;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.UpdateOutcome;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The models topic across a restart: model versions stay ordered, each written once.
 *
 * <p>A bounded two-partition pair topic (each model's pairs in one partition, so its order is
 * defined) runs once through the job's Kafka topology ({@link KafkaInput#stream} -> {@link
 * FailOnce} -> {@link ContrastreamJob#build} -> {@link KafkaOutputs#wire}) on a MiniCluster at
 * parallelism 2 with a real in-JVM broker, checkpoints every 250 ms, {@code --snapshot-every 50},
 * and a failure injected in subtask 0 mid-stream after a checkpoint covering records completed: the
 * job restarts from that checkpoint and replays what followed it, snapshots included.
 *
 * <p>Reading the models topic {@code read_committed}, for every model: the records' versions are
 * exactly 50, 100, ..., 50k (every {@code --snapshot-every} applied updates, no gap, no repeat, in
 * order), then the final version at the end of input when it is not a multiple of 50 (one model
 * ends on a multiple, and its final model must not come twice); the key and the file's {@code
 * model} metadata name the model; the {@code contrastream.version} header equals the file's {@code
 * model_version}; and every file's parameters equal, to the bit, those of a learner of loss-core
 * alone trained on the same model's pairs in the same order without any failure, taken at the same
 * version (the reference is independent of Flink and of Kafka, and cheaper than a second run).
 */
class ModelVersionsITCase {

    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final int DIM = 8;
    private static final int SNAPSHOT_EVERY = 50;
    private static final int UNLABELLED_PER_MODEL = 500;

    /** Labelled pairs per model: m-b ends on a multiple of SNAPSHOT_EVERY, the others do not. */
    private static final Map<String, Integer> LABELLED =
            Map.of("m-a", 510, "m-b", 500, "m-c", 473, "m-d", 455);

    private static final List<String> MODELS = List.of("m-a", "m-b", "m-c", "m-d");

    /** Records subtask 0 of the map must have seen before it may fail. */
    private static final long FAIL_AFTER = 300;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(KafkaTestSupport.loopbackConfiguration())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    private static EmbeddedKafka kafka;
    private static String bootstrap;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(Files.createTempDirectory("contrastream-versions-kafka"));
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void versionsStayOrderedAcrossARestartAndMatchAnUninterruptedLearner() throws Exception {
        String input = "versions-pairs";
        KafkaOutputs.Topics topics =
                new KafkaOutputs.Topics(
                        "versions-scores",
                        "versions-metrics",
                        "versions-alerts",
                        "versions-dlq",
                        "versions-models");
        kafka.createTopics(PARTITIONS, List.of(input));
        kafka.createTopics(PARTITIONS, topics.all());
        List<PairEvent> events = events();
        KafkaTestSupport.produceByModel(bootstrap, input, events, MODELS, PARTITIONS);

        JobSettings settings = settings(input);
        FailOnce.reset(true, FAIL_AFTER);
        StreamExecutionEnvironment env =
                JobEnvironment.create(
                        JobEnvironment.configuration(PARALLELISM, 250, "hashmap", null));
        DataStream<RawRecord> raw =
                KafkaInput.stream(
                        env,
                        KafkaInput.source(
                                bootstrap, input, "versions", KafkaClientProperties.none(), true),
                        input);
        ContrastreamJob.Outputs outputs = ContrastreamJob.build(FailOnce.after(raw), settings);
        KafkaOutputs.wire(
                outputs,
                bootstrap,
                topics,
                settings.format(),
                "versions",
                KafkaClientProperties.none());
        long start = System.nanoTime();
        env.execute("versions");

        // The failure happened mid-stream, after a completed checkpoint; the job restored from a
        // checkpoint and replayed records.
        System.out.printf(
                "ModelVersionsITCase: run took %d ms; failed at record %d of subtask 0 after"
                        + " checkpoint %d; restored from %s; %d records seen for %d sent%n",
                (System.nanoTime() - start) / 1_000_000,
                FailOnce.FAILED_AT_RECORD.get(),
                FailOnce.COMPLETED_CHECKPOINT_AT_FAILURE.get(),
                FailOnce.RESTORED_FROM,
                FailOnce.SEEN.get(),
                events.size());
        assertThat(FailOnce.THROWN.get()).as("the injected failure was thrown").isTrue();
        assertThat(FailOnce.FAILED_AT_RECORD.get())
                .isGreaterThanOrEqualTo(FAIL_AFTER)
                .isLessThan(events.size() / 2);
        assertThat(FailOnce.ATTEMPTS).contains(0, 1);
        assertThat(FailOnce.RESTORED_FROM)
                .isNotEmpty()
                .allSatisfy(
                        id ->
                                assertThat(id)
                                        .isGreaterThanOrEqualTo(
                                                FailOnce.COMPLETED_CHECKPOINT_AT_FAILURE.get()));
        assertThat(FailOnce.SEEN.get()).as("some records replayed").isGreaterThan(events.size());

        // The committed model files, per model in the order they were written.
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byModel = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestSupport.readCommittedRecords(bootstrap, topics.models(), PARTITIONS)) {
            byModel.computeIfAbsent(
                            new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(r);
        }
        assertThat(byModel).containsOnlyKeys(MODELS);
        Map<String, Map<Long, float[]>> reference = reference(events, settings);
        for (String model : MODELS) {
            int labelled = LABELLED.get(model);
            List<Long> expected = new ArrayList<>();
            for (long v = SNAPSHOT_EVERY; v <= labelled; v += SNAPSHOT_EVERY) {
                expected.add(v);
            }
            if (labelled % SNAPSHOT_EVERY != 0) {
                expected.add((long) labelled);
            }
            List<Long> versions = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : byModel.get(model)) {
                ModelFile file = ModelFile.read(r.value());
                assertThat(file.model()).isEqualTo(model);
                Header header = r.headers().lastHeader(KafkaOutputs.VERSION_HEADER);
                assertThat(header).as("%s header", KafkaOutputs.VERSION_HEADER).isNotNull();
                assertThat(new String(header.value(), StandardCharsets.UTF_8))
                        .isEqualTo(file.metadata().get("model_version"));
                versions.add(file.modelVersion());
                float[] want = reference.get(model).get(file.modelVersion());
                assertThat(want)
                        .as("%s has a reference at v%d", model, file.modelVersion())
                        .isNotNull();
                assertThat(file.parameters())
                        .as("parameters of %s v%d, bit for bit", model, file.modelVersion())
                        .containsExactly(want);
            }
            assertThat(versions)
                    .as("versions of %s on the models topic", model)
                    .containsExactlyElementsOf(expected);
        }
    }

    /**
     * Per model, the parameters of a loss-core learner trained on that model's events in order, at
     * every version the job may have written (multiples of SNAPSHOT_EVERY and the final one).
     */
    private static Map<String, Map<Long, float[]>> reference(
            List<PairEvent> events, JobSettings settings) {
        Map<String, OnlineLearner> learners = new LinkedHashMap<>();
        Map<String, Map<Long, float[]>> out = new TreeMap<>();
        for (PairEvent e : events) {
            OnlineLearner learner =
                    learners.computeIfAbsent(
                            e.getModel(),
                            m -> OnlineLearner.create(settings.trainer().learner(), DIM));
            io.contrastream.loss.PairLabel label =
                    e.getLabel() == null
                            ? null
                            : e.getLabel() == PairLabel.SAME
                                    ? io.contrastream.loss.PairLabel.SAME
                                    : io.contrastream.loss.PairLabel.DIFFERENT;
            UpdateOutcome outcome =
                    learner.process(
                                    floats(e.getLeft().getFeatures()),
                                    floats(e.getRight().getFeatures()),
                                    label)
                            .outcome();
            if (outcome == UpdateOutcome.APPLIED && learner.modelVersion() % SNAPSHOT_EVERY == 0) {
                out.computeIfAbsent(e.getModel(), m -> new TreeMap<>())
                        .put(learner.modelVersion(), learner.parametersCopy());
            }
        }
        learners.forEach(
                (model, learner) ->
                        out.computeIfAbsent(model, m -> new TreeMap<>())
                                .put(learner.modelVersion(), learner.parametersCopy()));
        return out;
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** The job's settings as {@code contrastream run} would parse them. */
    private static JobSettings settings(String input) {
        SettingsCommand command = new SettingsCommand();
        new CommandLine(command)
                .parseArgs(
                        "--learning-rate", "0.01",
                        "--warmup", "100",
                        "--metrics-every", "250",
                        "--snapshot-every", String.valueOf(SNAPSHOT_EVERY),
                        "--seed", "7");
        return command.model.settings(SourceInfo.kafka(input));
    }

    @CommandLine.Command(name = "settings")
    static final class SettingsCommand {
        @CommandLine.Mixin ModelOptions model;
    }

    /** Labelled and unlabelled pairs of the four models interleaved at random. Deterministic. */
    private static List<PairEvent> events() {
        SplittableRandom random = new SplittableRandom(2027);
        Map<String, int[]> left = new LinkedHashMap<>();
        int remaining = 0;
        for (String model : MODELS) {
            left.put(model, new int[] {LABELLED.get(model), UNLABELLED_PER_MODEL});
            remaining += LABELLED.get(model) + UNLABELLED_PER_MODEL;
        }
        List<PairEvent> events = new ArrayList<>();
        int n = 0;
        while (remaining > 0) {
            String model = MODELS.get(random.nextInt(MODELS.size()));
            int[] l = left.get(model);
            if (l[0] + l[1] == 0) {
                continue;
            }
            boolean labelled = random.nextInt(l[0] + l[1]) < l[0];
            PairLabel label = null;
            if (labelled) {
                l[0]--;
                label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            } else {
                l[1]--;
            }
            remaining--;
            events.add(KafkaTestSupport.pair("e-" + n++, model, DIM, label, random, 100_000));
        }
        return events;
    }
}
