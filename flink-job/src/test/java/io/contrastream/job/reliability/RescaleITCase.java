package io.contrastream.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.JobEnvironment;
import io.contrastream.job.JobSettings;
import io.contrastream.job.KafkaTestSupport;
import io.contrastream.job.cli.ModelOptions;
import io.contrastream.job.demo.EmbeddedKafka;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.io.kafka.KafkaClientProperties;
import io.contrastream.job.io.kafka.KafkaInput;
import io.contrastream.job.io.kafka.KafkaOutputs;
import io.contrastream.job.model.RawRecord;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import io.contrastream.schema.PairScore;
import io.contrastream.schema.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Savepoint, stop, restore with another parallelism: every model continues exactly where it
 * stopped.
 *
 * <p>Per state backend (hashmap, rocksdb), the input (a two-partition pair topic, each model's
 * pairs in one partition) is fed in three thirds to one unbounded job that is stopped with a
 * savepoint after each of the first two and restored from it with another parallelism: 2 over the
 * first third, 1 over the second, 3 over the rest (one source subtask idle). Max parallelism is
 * fixed at {@value #MAX_PARALLELISM}, so models map to the same key groups at every parallelism.
 * Each phase is stopped only once all of its scores are committed.
 *
 * <p>Asserted, reading {@code scores} {@code read_committed}: every event is scored exactly once
 * over the three phases, and per model the committed score records are, byte for byte and in order
 * (every distance, loss and threshold to the bit, every model version), those of an uninterrupted
 * bounded run over the whole input at parallelism 2 on the same backend. A restore that lost or
 * forked a model's state, lost or replayed source offsets, or moved a model to another key's state
 * would change a model version or a distance from the first score after the restore on. That the
 * phases really restored is checked too: each later phase is started with the savepoint path, and a
 * fresh model would begin again at model version 0.
 */
class RescaleITCase {

    private static final int PARTITIONS = 2;
    private static final int MAX_PARALLELISM = 128;
    private static final int SLOTS = 3;
    private static final int DIM = 8;
    private static final int LABELLED_PER_MODEL = 300;
    private static final List<String> MODELS = List.of("m-a", "m-b", "m-c", "m-d");

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(localhostOnly())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(SLOTS)
                            .build());

    private static EmbeddedKafka kafka;
    private static String bootstrap;

    private static Configuration localhostOnly() {
        Configuration conf = KafkaTestSupport.loopbackConfiguration();
        return conf;
    }

    @BeforeAll
    static void startKafka() throws Exception {
        // The kit deletes its data directory when the broker closes.
        kafka = EmbeddedKafka.start(Files.createTempDirectory("contrastream-rescale-kafka"));
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void heapStateRescales2To1To3() throws Exception {
        rescaleCase("hashmap");
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void rocksDbStateRescales2To1To3() throws Exception {
        rescaleCase("rocksdb");
    }

    private static void rescaleCase(String backend) throws Exception {
        String input = backend + "-pairs";
        createTopics(List.of(input));
        List<PairEvent> events = events();
        int third = events.size() / 3;
        List<List<PairEvent>> phases =
                List.of(
                        events.subList(0, third),
                        events.subList(third, 2 * third),
                        events.subList(2 * third, events.size()));

        // The uninterrupted reference: the whole input, bounded, at parallelism 2.
        produce(input, events);
        KafkaOutputs.Topics reference = topics(backend + "-reference");
        JobClient whole = start(backend, input, reference, 2, null, true, "reference");
        whole.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        Map<String, List<byte[]>> expected = readAll(reference.scores());
        assertThat(count(expected)).isEqualTo(events.size());

        // The same input again, on a second topic, fed a third at a time to the rescaled job.
        String staged = backend + "-staged";
        createTopics(List.of(staged));
        KafkaOutputs.Topics out = topics(backend + "-rescaled");
        Path savepoints = Files.createTempDirectory("contrastream-savepoints-" + backend);
        int[] parallelism = {2, 1, 3};
        String savepoint = null;
        int sent = 0;
        for (int phase = 0; phase < 3; phase++) {
            produce(staged, phases.get(phase));
            sent += phases.get(phase).size();
            JobClient job =
                    start(backend, staged, out, parallelism[phase], savepoint, false, "rescaled");
            awaitCommitted(out.scores(), sent);
            savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            assertThat(count(readAll(out.scores())))
                    .as(
                            "committed scores after phase %d at parallelism %d",
                            phase, parallelism[phase])
                    .isEqualTo(sent);
        }

        Map<String, List<byte[]>> actual = readAll(out.scores());
        Set<String> ids = new HashSet<>();
        for (List<byte[]> perModel : actual.values()) {
            for (byte[] b : perModel) {
                assertThat(ids.add(WireCodec.forType(PairScore.class).decode(b).getEventId()))
                        .as("each event scored once")
                        .isTrue();
            }
        }
        assertThat(ids).hasSize(events.size());
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String model : MODELS) {
            List<String> a = KafkaTestSupport.base64(expected.get(model));
            List<String> b = KafkaTestSupport.base64(actual.get(model));
            assertThat(b)
                    .as("scores of %s after 2 -> 1 -> 3 on %s, byte for byte", model, backend)
                    .isEqualTo(a);
            // The restores continued the models: versions keep growing across the phase borders.
            List<PairScore> scores = KafkaTestSupport.decodeScores(actual.get(model));
            assertThat(scores.get(scores.size() - 1).getModelVersion())
                    .isGreaterThan(LABELLED_PER_MODEL / 2);
        }
    }

    private static KafkaOutputs.Topics topics(String name) throws Exception {
        KafkaOutputs.Topics t =
                new KafkaOutputs.Topics(
                        name + "-scores",
                        name + "-metrics",
                        name + "-alerts",
                        name + "-dlq",
                        name + "-models");
        createTopics(t.all());
        return t;
    }

    private static JobClient start(
            String backend,
            String input,
            KafkaOutputs.Topics topics,
            int parallelism,
            String savepoint,
            boolean bounded,
            String name)
            throws Exception {
        JobSettings settings = settings(input);
        Configuration conf = JobEnvironment.configuration(parallelism, 250, backend, null);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = JobEnvironment.create(conf);
        String job = "rescale-" + backend + "-" + name;
        DataStream<RawRecord> raw =
                KafkaInput.stream(
                        env,
                        KafkaInput.source(
                                bootstrap, input, job, KafkaClientProperties.none(), bounded),
                        input);
        ContrastreamJob.Outputs outputs = ContrastreamJob.build(raw, settings);
        KafkaOutputs.wire(
                outputs, bootstrap, topics, settings.format(), job, KafkaClientProperties.none());
        return env.executeAsync(job);
    }

    private static void awaitCommitted(String topic, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count(readAll(topic)) < expected) {
            assertThat(System.nanoTime()).as("%d scores committed", expected).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int count(Map<String, List<byte[]>> byKey) {
        return byKey.values().stream().mapToInt(List::size).sum();
    }

    /** The job's settings as {@code contrastream run} would parse them. */
    private static JobSettings settings(String input) {
        SettingsCommand command = new SettingsCommand();
        new CommandLine(command)
                .parseArgs(
                        "--learning-rate", "0.01",
                        "--warmup", "100",
                        "--metrics-every", "250",
                        "--seed", "7");
        return command.model.settings(SourceInfo.kafka(input));
    }

    @CommandLine.Command(name = "settings")
    static final class SettingsCommand {
        @CommandLine.Mixin ModelOptions model;
    }

    // ---------------------------------------------------------------- the input

    /** Labelled and unlabelled pairs of four models interleaved at random. Deterministic. */
    private static List<PairEvent> events() {
        SplittableRandom random = new SplittableRandom(2027);
        List<PairEvent> events = new ArrayList<>();
        for (int n = 0; n < LABELLED_PER_MODEL * MODELS.size(); n++) {
            String model = MODELS.get(random.nextInt(MODELS.size()));
            int k = random.nextInt(5);
            PairLabel label = k < 2 ? PairLabel.SAME : k < 4 ? PairLabel.DIFFERENT : null;
            events.add(KafkaTestSupport.pair("e-" + n, model, DIM, label, random, 100_000));
        }
        return events;
    }

    /** Each model's pairs go to one partition (keyed by model), so a model's order is defined. */
    private static void produce(String topic, List<PairEvent> events) throws Exception {
        KafkaTestSupport.produceByModel(bootstrap, topic, events, MODELS, PARTITIONS);
    }

    // ---------------------------------------------------------------- Kafka plumbing

    private static void createTopics(List<String> names) throws Exception {
        kafka.createTopics(PARTITIONS, names);
    }

    /**
     * Every committed record of {@code topic}, by key (the model), in partition order: a model's
     * records are in one partition, written by one sink subtask, so this is the job's order.
     */
    private static Map<String, List<byte[]>> readAll(String topic) {
        return KafkaTestSupport.readCommittedByKey(bootstrap, topic, PARTITIONS);
    }
}
