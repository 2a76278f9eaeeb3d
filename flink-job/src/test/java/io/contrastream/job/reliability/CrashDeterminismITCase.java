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
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import io.contrastream.schema.PairScore;
import io.contrastream.schema.WireCodec;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
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
 * Crash determinism: a failure injected once, mid-stream, changes nothing that the job commits.
 *
 * <p>The same bounded input (a two-partition pair topic, each model's pairs in one partition, so a
 * model's order is defined) runs twice through the job's own topology ({@link KafkaInput#stream} ->
 * a pass-through map -> {@link ContrastreamJob#build} -> {@link KafkaOutputs#wire}) on a
 * MiniCluster at parallelism 2 with a real in-JVM broker, checkpoints every 250 ms and the job's
 * exponential-delay restarts ({@link JobEnvironment#configuration}):
 *
 * <ol>
 *   <li>clean: the map only passes records through;
 *   <li>crashed: the map of subtask 0 throws once, on its first attempt, after it has seen {@link
 *       #FAIL_AFTER} records <em>and</em> a checkpoint that covers at least one record has
 *       completed. Flink restarts the whole job (all operators are connected) from that last
 *       checkpoint: keyed model state, source offsets and the sinks' transactions.
 * </ol>
 *
 * <p>What is asserted, reading every output topic {@code read_committed}:
 *
 * <ul>
 *   <li>the failure really happened, once, mid-stream; a second attempt ran; it was restored from a
 *       checkpoint ({@code isRestored()} with a restored checkpoint id) that had completed before
 *       the failure; and records were replayed (the map saw more records than were sent), so the
 *       exactly-once outputs had something to hide;
 *   <li>the crashed run's committed {@code scores} hold each input event exactly once (no loss, no
 *       duplicate), and per model the committed score records are, byte for byte and in order,
 *       those of the clean run: every distance, loss, similarity and threshold to the bit, every
 *       model version, every alert flag;
 *   <li>the committed {@code metrics} are byte-identical per model too;
 *   <li>the final model parameters: see below.
 * </ul>
 *
 * <p><b>Final parameters.</b> The job has no feature that exports a model, and this test adds none.
 * Instead the input ends, per model, with a block of {@link #PROBES} unlabelled probe pairs: they
 * do not train, and each probe's distance is computed by the final model, so a difference in any
 * parameter that acts on an embedding difference changes some probe's distance bits (the probes are
 * random directions; the distance of a pair under the linear encoder is {@code |W(a - b)|}, and
 * {@value #PROBES} generic probes over {@value #DIM} inputs over-determine {@code W^T W}). The
 * encoder's bias cancels in every pair difference and never reaches a distance; it is pinned
 * instead by the last LossMetrics record of each model (end of input), whose {@code parameter_norm}
 * is a sum over all parameters, bias included, compared to the bit. Together with every score of
 * the run being bit-identical, a forked or double-trained model cannot go unseen: double-training a
 * single pair changes the model version of every later score. What this cannot see is a change of
 * parameters that leaves every output and the norm unchanged (an orthogonal rotation of the
 * embedding space), which a replay from a checkpoint has no way to produce. Reading the keyed state
 * itself would need the State Processor API and a savepoint of a running job; {@code
 * org.apache.flink:flink-state-processor-api:2.2.1} did not resolve from Maven Central here, so
 * that is left to the state-compatibility test.
 */
class CrashDeterminismITCase {

    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final int DIM = 8;
    private static final int LABELLED_PER_MODEL = 1_000;
    private static final int PROBES = 48;
    private static final List<String> MODELS = List.of("m-a", "m-b", "m-c", "m-d");

    /** Records subtask 0 of the map must have seen before it may fail. */
    private static final long FAIL_AFTER = 600;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(localhostOnly())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
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
        kafka = EmbeddedKafka.start(Files.createTempDirectory("contrastream-crash-kafka"));
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
    void aFailureMidStreamChangesNoCommittedOutputAndNoModel() throws Exception {
        String input = "crash-pairs";
        createTopics(List.of(input));
        List<PairEvent> events = events();
        produce(input, events);
        Set<String> eventIds = new HashSet<>();
        events.forEach(e -> eventIds.add(e.getEventId()));
        assertThat(eventIds).hasSize(events.size());

        // The clean run.
        FailOnce.reset(false, FAIL_AFTER);
        Run clean = run("clean", input);
        assertThat(FailOnce.THROWN.get()).isFalse();
        assertThat(FailOnce.ATTEMPTS).containsOnly(0);

        // The crashed run.
        FailOnce.reset(true, FAIL_AFTER);
        Run crashed = run("crashed", input);

        // The failure happened, mid-stream, after a completed checkpoint, and the job restarted
        // from a checkpoint and replayed records.
        assertThat(FailOnce.THROWN.get()).as("the injected failure was thrown").isTrue();
        long failedAt = FailOnce.FAILED_AT_RECORD.get();
        long completedBefore = FailOnce.COMPLETED_CHECKPOINT_AT_FAILURE.get();
        System.out.printf(
                "CrashDeterminismITCase: failed at record %d of subtask 0 after checkpoint %d;"
                        + " attempts %s; restored from checkpoints %s; %d records seen for %d sent%n",
                failedAt,
                completedBefore,
                FailOnce.ATTEMPTS,
                FailOnce.RESTORED_FROM,
                FailOnce.SEEN.get(),
                events.size());
        assertThat(failedAt)
                .as("failure after %s records of subtask 0 (mid-stream)", FAIL_AFTER)
                .isGreaterThanOrEqualTo(FAIL_AFTER)
                .isLessThan(events.size() / 2);
        assertThat(completedBefore)
                .as("a checkpoint had completed before the failure")
                .isPositive();
        assertThat(FailOnce.ATTEMPTS).as("attempt numbers seen by the map").contains(0, 1);
        assertThat(FailOnce.RESTORED_FROM)
                .as("every restarted map subtask restored from a checkpoint")
                .isNotEmpty()
                .allSatisfy(id -> assertThat(id).isGreaterThanOrEqualTo(completedBefore));
        assertThat(FailOnce.SEEN.get())
                .as("records seen by the map across attempts: some replayed")
                .isGreaterThan(events.size());

        // Exactly once: every input event scored once in the committed output.
        List<String> scoredIds = new ArrayList<>();
        for (List<byte[]> perModel : crashed.scores.values()) {
            for (byte[] b : perModel) {
                scoredIds.add(WireCodec.forType(PairScore.class).decode(b).getEventId());
            }
        }
        assertThat(scoredIds).hasSize(events.size()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(scoredIds)).isEqualTo(eventIds);
        assertThat(clean.scores.values().stream().mapToInt(List::size).sum())
                .isEqualTo(events.size());

        // Same values, to the bit, in the same order per model.
        assertThat(crashed.scores.keySet()).isEqualTo(clean.scores.keySet());
        for (String model : MODELS) {
            List<String> a = KafkaTestSupport.base64(clean.scores.get(model));
            List<String> b = KafkaTestSupport.base64(crashed.scores.get(model));
            assertThat(b).as("committed scores of %s, byte for byte", model).isEqualTo(a);
        }
        assertThat(base64Map(crashed.metrics))
                .as("committed loss metrics, byte for byte")
                .isEqualTo(base64Map(clean.metrics));

        // The final models: the probes' distances (double bits) and the final parameter norms.
        for (String model : MODELS) {
            List<PairScore> a = KafkaTestSupport.decodeScores(clean.scores.get(model));
            List<PairScore> b = KafkaTestSupport.decodeScores(crashed.scores.get(model));
            List<PairScore> probesA = a.subList(a.size() - PROBES, a.size());
            List<PairScore> probesB = b.subList(b.size() - PROBES, b.size());
            long version = probesA.get(0).getModelVersion();
            assertThat(version).as("%s learned from its labelled pairs", model).isPositive();
            for (int i = 0; i < PROBES; i++) {
                assertThat(probesA.get(i).getEventId()).startsWith("probe-");
                assertThat(probesB.get(i).getEventId()).isEqualTo(probesA.get(i).getEventId());
                assertThat(Double.doubleToRawLongBits(probesB.get(i).getDistance()))
                        .as("distance bits of %s", probesA.get(i).getEventId())
                        .isEqualTo(Double.doubleToRawLongBits(probesA.get(i).getDistance()));
                assertThat(probesB.get(i).getModelVersion()).isEqualTo(version);
            }
            LossMetrics lastA = last(clean.metrics.get(model));
            LossMetrics lastB = last(crashed.metrics.get(model));
            assertThat(lastA.getModelVersion()).isEqualTo(version);
            assertThat(Double.doubleToRawLongBits(lastB.getParameterNorm()))
                    .as("final parameter norm bits of %s", model)
                    .isEqualTo(Double.doubleToRawLongBits(lastA.getParameterNorm()));
        }
        // The probes discriminate: the models moved while training.
        PairScore firstA = KafkaTestSupport.decodeScores(clean.scores.get("m-a")).get(0);
        assertThat(firstA.getModelVersion()).isZero();
    }

    // ---------------------------------------------------------------- the job

    /** The committed outputs of one run, per model (the record key), in partition order. */
    private record Run(Map<String, List<byte[]>> scores, Map<String, List<byte[]>> metrics) {}

    private static Run run(String name, String input) throws Exception {
        KafkaOutputs.Topics topics =
                new KafkaOutputs.Topics(
                        name + "-scores",
                        name + "-metrics",
                        name + "-alerts",
                        name + "-dlq",
                        name + "-models");
        createTopics(topics.all());
        JobSettings settings = settings(input);
        Configuration conf = JobEnvironment.configuration(PARALLELISM, 250, "hashmap", null);
        StreamExecutionEnvironment env = JobEnvironment.create(conf);
        DataStream<RawRecord> raw =
                KafkaInput.stream(
                        env,
                        KafkaInput.source(
                                bootstrap,
                                input,
                                "group-" + name,
                                KafkaClientProperties.none(),
                                true),
                        input);
        ContrastreamJob.Outputs outputs = ContrastreamJob.build(FailOnce.after(raw), settings);
        KafkaOutputs.wire(
                outputs,
                bootstrap,
                topics,
                settings.format(),
                "crash-" + name,
                KafkaClientProperties.none());
        long start = System.nanoTime();
        env.execute("crash-" + name);
        System.out.printf(
                "CrashDeterminismITCase: run %s took %d ms%n",
                name, (System.nanoTime() - start) / 1_000_000);
        assertThat(readAll(topics.deadLetters())).as("dead letters of %s", name).isEmpty();
        return new Run(readAll(topics.scores()), readAll(topics.metrics()));
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

    /**
     * Labelled pairs of four models interleaved at random, then per model {@link #PROBES}
     * unlabelled probe pairs. Deterministic (seeded).
     */
    private static List<PairEvent> events() {
        SplittableRandom random = new SplittableRandom(2026);
        List<PairEvent> events = new ArrayList<>();
        int[] left = new int[MODELS.size()];
        for (int k = 0; k < MODELS.size(); k++) {
            left[k] = LABELLED_PER_MODEL;
        }
        int remaining = LABELLED_PER_MODEL * MODELS.size();
        int n = 0;
        while (remaining > 0) {
            int k = random.nextInt(MODELS.size());
            if (left[k] == 0) {
                continue;
            }
            left[k]--;
            remaining--;
            PairLabel label = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
            events.add(
                    KafkaTestSupport.pair(
                            "train-" + n++, MODELS.get(k), DIM, label, random, 100_000));
        }
        for (String model : MODELS) {
            for (int i = 0; i < PROBES; i++) {
                events.add(
                        KafkaTestSupport.pair(
                                "probe-" + model + "-" + i, model, DIM, null, random, 100_000));
            }
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

    private static LossMetrics last(List<byte[]> records) throws Exception {
        return WireCodec.forType(LossMetrics.class).decode(records.get(records.size() - 1));
    }

    private static Map<String, List<String>> base64Map(Map<String, List<byte[]>> byKey) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        byKey.forEach((k, v) -> out.put(k, KafkaTestSupport.base64(v)));
        return out;
    }
}
