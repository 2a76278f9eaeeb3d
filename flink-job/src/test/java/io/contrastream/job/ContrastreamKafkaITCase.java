package io.contrastream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.cli.ContrastreamCommand;
import io.contrastream.job.demo.EmbeddedKafka;
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
import io.contrastream.schema.WireCodec;
import io.contrastream.schema.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The job end to end, as {@code contrastream run} runs it (the command itself, parsed by picocli),
 * between a real Kafka broker in this JVM and a Flink MiniCluster at parallelism 2.
 *
 * <p>Each case writes pair events and bad records of every kind to a two-partition topic with a
 * plain producer, runs the job bounded at the latest offsets with checkpoints every 500 ms and
 * exactly-once (transactional) sinks, then reads every output topic with a {@code read_committed}
 * consumer and checks that each input record shows up exactly once: as a score (valid pairs) or as
 * a dead letter with the expected reason (bad records), never both, never twice, never lost.
 */
class ContrastreamKafkaITCase {

    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;

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
        return CapturingMetricReporter.register(KafkaTestSupport.loopbackConfiguration());
    }

    @BeforeAll
    static void startKafka() throws Exception {
        // The kit deletes its data directory when the broker closes.
        kafka = EmbeddedKafka.start(Files.createTempDirectory("contrastream-itcase-kafka"));
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---------------------------------------------------------------- the cases

    /** Avro on the heap backend. */
    @Test
    void avroEveryRecordScoredOrDeadLetteredExactlyOnce() throws Exception {
        exactlyOnceCase("avro", new Wire.Avro(), "hashmap");
    }

    /** JSON with the model state in RocksDB. */
    @Test
    void jsonEveryRecordScoredOrDeadLetteredExactlyOnce() throws Exception {
        exactlyOnceCase("json", new Wire.Json(), "rocksdb");
    }

    /**
     * With the identity encoder the embedding is the features, so the loss of every labelled pair
     * is known in closed form: the reported loss must match this independent double-precision
     * reference to 1e-9 relative.
     */
    @Test
    void identityEncoderReportsTheContrastiveLossOfTheRawFeatures() throws Exception {
        Topics t = Topics.named("identity");
        createTopics(t);
        Wire wire = new Wire.Avro();
        SplittableRandom random = new SplittableRandom(7);
        List<PairEvent> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String model = i % 2 == 0 ? "id-8" : "id-3";
            events.add(
                    KafkaTestSupport.pair(
                            "c-" + i,
                            model,
                            model.equals("id-8") ? 8 : 3,
                            label(random, i),
                            random,
                            1000));
        }
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(bootstrap)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                acks.add(send(producer, t.pairs, i, wire.encode(events.get(i))));
            }
            producer.flush();
            for (int i = 0; i < events.size(); i++) {
                RecordMetadata m = acks.get(i).get();
                sent.add(
                        new Sent(
                                m.partition(), m.offset(), events.get(i).getEventId(), null, null));
            }
        }
        run(t, "avro", "--encoder", "identity", "--loss", "euclidean", "--margin", "2.0");

        Map<String, PairEvent> byId =
                events.stream().collect(Collectors.toMap(PairEvent::getEventId, e -> e));
        List<PairScore> scores = readAll(t.scores, wire, PairScore.class);
        assertThat(scores).hasSize(sent.size());
        int labelled = 0;
        for (PairScore s : scores) {
            PairEvent e = byId.get(s.getEventId());
            float[] a = floats(e.getLeft());
            float[] b = floats(e.getRight());
            double d = referenceDistance(a, b);
            assertThat(s.getDistance()).isCloseTo(d, relative(d));
            if (e.getLabel() == null) {
                assertThat(s.getLoss()).isNull();
                continue;
            }
            labelled++;
            double expected = referenceLoss(a, b, e.getLabel() == PairLabel.SAME, 2.0);
            assertThat(s.getLoss())
                    .as("loss of %s (%s, d = %s)", e.getEventId(), e.getLabel(), d)
                    .isCloseTo(expected, relative(expected));
        }
        assertThat(labelled).isGreaterThan(200);

        // The job's own Flink metrics, as a reporter sees them: one event per pair, one update per
        // applied labelled pair, histograms of loss and distance, and the dead-letter counter.
        assertThat(CapturingMetricReporter.sumOfCounters("it-identity", "contrastream", "events"))
                .isEqualTo(400);
        assertThat(
                        CapturingMetricReporter.sumOfCounters(
                                        "it-identity", "contrastream", "updates")
                                + CapturingMetricReporter.sumOfCounters(
                                        "it-identity", "contrastream", "skipped_updates"))
                .isEqualTo(events.stream().filter(e -> e.getLabel() != null).count());
        assertThat(
                        CapturingMetricReporter.sumOfCounters(
                                "it-identity", "contrastream", "dead_letters"))
                .isZero();
        assertThat(CapturingMetricReporter.find("it-identity", "contrastream", "alerts"))
                .isNotEmpty();
        for (String histogram : new String[] {"contrastream.loss", "contrastream.distance"}) {
            assertThat(CapturingMetricReporter.find("it-identity", histogram))
                    .as(histogram)
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getValue()).isInstanceOf(Histogram.class));
        }
    }

    // ---------------------------------------------------------------- exactly once

    private void exactlyOnceCase(String format, Wire wire, String stateBackend) throws Exception {
        Topics t = Topics.named(format);
        createTopics(t);
        List<Sent> sent = produceMixedStream(t.pairs, wire);
        run(
                t,
                format,
                "--encoder",
                "linear",
                "--embedding-dim",
                "8",
                "--warmup",
                "10",
                "--alert-threshold",
                "0.0",
                "--metrics-every",
                "200",
                "--state-backend",
                stateBackend);

        List<PairScore> scores = readAll(t.scores, wire, PairScore.class);
        List<DeadLetter> deadLetters = readAll(t.deadLetters, wire, DeadLetter.class);
        List<LossMetrics> metrics = readAll(t.metrics, wire, LossMetrics.class);
        List<ChangeAlert> alerts = readAll(t.alerts, wire, ChangeAlert.class);

        List<Sent> valid = sent.stream().filter(s -> s.reason == null).toList();
        List<Sent> bad = sent.stream().filter(s -> s.reason != null).toList();

        // Every input record is accounted for exactly once, in exactly one of the two topics.
        assertThat(scores.size() + deadLetters.size()).isEqualTo(sent.size());
        Map<String, Long> scoredTimes =
                scores.stream()
                        .collect(
                                Collectors.groupingBy(
                                        PairScore::getEventId, Collectors.counting()));
        assertThat(scoredTimes.values()).allMatch(n -> n == 1);
        assertThat(scoredTimes.keySet())
                .isEqualTo(valid.stream().map(s -> s.eventId).collect(Collectors.toSet()));

        // Each dead letter points at its input record (topic, partition, offset), once, with the
        // reason that record was built to trigger.
        Map<String, Sent> badByPosition = new HashMap<>();
        bad.forEach(s -> badByPosition.put(s.position(), s));
        Set<String> seen = new HashSet<>();
        for (DeadLetter d : deadLetters) {
            String position = d.getPartition() + "@" + d.getOffset();
            assertThat(seen.add(position)).as("dead letter %s seen once", position).isTrue();
            Sent s = badByPosition.get(position);
            assertThat(s).as("dead letter %s: %s", position, d.getMessage()).isNotNull();
            assertThat(d.getReason()).as(d.getMessage()).isEqualTo(s.reason);
            assertThat(d.getSource()).isEqualTo("kafka");
            assertThat(d.getTopic()).isEqualTo(t.pairs);
            byte[] original = bytes(d.getOriginal());
            if (s.reason == DeadLetterReason.DIMENSION_MISMATCH) {
                // Refused by the trainer, which no longer holds the input bytes and re-encodes
                // the decoded pair in the job's wire format.
                assertThat(wire.decode(original, PairEvent.class).getEventId())
                        .isEqualTo(s.eventId);
                assertThat(d.getModel()).isEqualTo(s.model);
            } else {
                // The bytes as read; a null value (tombstone) is read as no bytes.
                assertThat(original).isEqualTo(s.bytes == null ? new byte[0] : s.bytes);
            }
        }
        assertThat(seen).isEqualTo(badByPosition.keySet());
        assertThat(bad.stream().map(s -> s.reason).collect(Collectors.toSet()))
                .hasSizeGreaterThanOrEqualTo(6);

        // Metrics for every model, whose windows together cover each of its pairs once (the last,
        // partial window is closed by the end of the bounded input).
        Map<String, Long> scoredPerModel =
                scores.stream()
                        .collect(Collectors.groupingBy(PairScore::getModel, Collectors.counting()));
        Map<String, Long> countedPerModel =
                metrics.stream()
                        .collect(
                                Collectors.groupingBy(
                                        LossMetrics::getModel,
                                        Collectors.summingLong(LossMetrics::getCount)));
        assertThat(countedPerModel.keySet()).isEqualTo(Set.copyOf(MODELS));
        assertThat(countedPerModel).isEqualTo(scoredPerModel);

        // A CHANGE alert for every score flagged as one, once; the threshold of 0 flags every
        // pair of a warm model.
        Set<String> flagged =
                scores.stream()
                        .filter(PairScore::getAlert)
                        .map(PairScore::getEventId)
                        .collect(Collectors.toSet());
        List<String> changeAlerts =
                alerts.stream()
                        .filter(a -> a.getKind() == AlertKind.CHANGE)
                        .map(ChangeAlert::getEventId)
                        .toList();
        assertThat(changeAlerts).isNotEmpty().doesNotHaveDuplicates();
        assertThat(Set.copyOf(changeAlerts)).isEqualTo(flagged);
        assertThat(alerts.stream().map(ChangeAlert::getAlertId).toList()).doesNotHaveDuplicates();
    }

    private static final List<String> MODELS =
            List.of("labelled-8", "mixed-8", "unlabelled-8", "labelled-12");

    private static int dimOf(String model) {
        return model.endsWith("-12") ? 12 : 8;
    }

    /**
     * 2,000 valid pairs over four models (labelled, mixed, unlabelled; 8 and 12 features) and 32
     * bad records of every kind, interleaved in the second half, over two partitions. A record with
     * a wrong dimension for a model comes after that model's first pairs in its partition, so the
     * model exists when it arrives.
     */
    private static List<Sent> produceMixedStream(String topic, Wire wire) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        List<Sent> planned = new ArrayList<>();
        int badIndex = 0;
        for (int i = 0; i < 2_000; i++) {
            String model = MODELS.get(i % MODELS.size());
            PairLabel label =
                    model.startsWith("labelled")
                            ? (random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT)
                            : model.startsWith("mixed") ? label(random, i) : null;
            PairEvent e =
                    KafkaTestSupport.pair("ok-" + i, model, dimOf(model), label, random, 1000);
            planned.add(new Sent(0, 0, e.getEventId(), model, null, wire.encode(e)));
            if (i >= 1_000 && i % 31 == 0) {
                planned.add(badRecord(badIndex++, wire, random));
            }
        }
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(bootstrap)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < planned.size(); i++) {
                acks.add(send(producer, topic, i, planned.get(i).bytes));
            }
            producer.flush();
            for (int i = 0; i < planned.size(); i++) {
                RecordMetadata m = acks.get(i).get();
                Sent p = planned.get(i);
                sent.add(
                        new Sent(m.partition(), m.offset(), p.eventId, p.model, p.reason, p.bytes));
            }
        }
        assertThat(sent.stream().filter(s -> s.reason != null).count()).isBetween(30L, 40L);
        return sent;
    }

    /** The n-th bad record: the kinds in turn. */
    private static Sent badRecord(int n, Wire wire, SplittableRandom random) {
        String id = "bad-" + n;
        String model = MODELS.get(n % 2); // labelled-8 or mixed-8: 8 features
        PairEvent good = KafkaTestSupport.pair(id, model, 8, PairLabel.SAME, random, 1000);
        switch (n % 8) {
            case 0: // random bytes (0x00 first: neither a marker nor JSON)
                byte[] noise = new byte[1 + random.nextInt(40)];
                for (int k = 1; k < noise.length; k++) {
                    noise[k] = (byte) random.nextInt(256);
                }
                return bad(noise, DeadLetterReason.UNDECODABLE);
            case 1: // truncated
                byte[] whole = wire.encode(good);
                return bad(Arrays.copyOf(whole, whole.length / 2), DeadLetterReason.UNDECODABLE);
            case 2: // empty model
                good.setModel("");
                return new Sent(0, 0, id, null, DeadLetterReason.EMPTY_MODEL, wire.encode(good));
            case 3: // NaN feature
                good.getRight().getFeatures().set(3, Float.NaN);
                return new Sent(
                        0, 0, id, model, DeadLetterReason.NON_FINITE_FEATURE, wire.encode(good));
            case 4: // a well-formed pair of the wrong dimension for an existing model
                PairEvent narrow =
                        KafkaTestSupport.pair(id, model, 5, PairLabel.DIFFERENT, random, 1000);
                return new Sent(
                        0, 0, id, model, DeadLetterReason.DIMENSION_MISMATCH, wire.encode(narrow));
            case 5: // left and right of different lengths
                good.getRight().getFeatures().remove(0);
                return new Sent(
                        0,
                        0,
                        id,
                        model,
                        DeadLetterReason.LEFT_RIGHT_DIMENSION_MISMATCH,
                        wire.encode(good));
            case 6: // a null value (tombstone): empty bytes
                return bad(null, DeadLetterReason.UNDECODABLE);
            default: // an empty event id
                good.setEventId("");
                return new Sent(0, 0, null, model, DeadLetterReason.EMPTY_ID, wire.encode(good));
        }
    }

    private static Sent bad(byte[] bytes, DeadLetterReason reason) {
        return new Sent(0, 0, null, null, reason, bytes);
    }

    private static PairLabel label(SplittableRandom random, int i) {
        int k = random.nextInt(3);
        return k == 0 ? PairLabel.SAME : k == 1 ? PairLabel.DIFFERENT : null;
    }

    // ---------------------------------------------------------------- the reference loss

    /** d = sqrt(|a - b|^2 + 1e-8), in double over the float features. */
    private static double referenceDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = (double) a[i] - (double) b[i];
            sum += diff * diff;
        }
        return Math.sqrt(sum + 1e-8);
    }

    /** 1/2 [y d^2 + (1 - y) max(0, m - d)^2], y = 1 for SAME. */
    private static double referenceLoss(float[] a, float[] b, boolean same, double margin) {
        double d = referenceDistance(a, b);
        double hinge = Math.max(0.0, margin - d);
        return 0.5 * (same ? d * d : hinge * hinge);
    }

    private static org.assertj.core.data.Offset<Double> relative(double expected) {
        return org.assertj.core.data.Offset.offset(Math.max(1e-300, Math.abs(expected) * 1e-9));
    }

    private static float[] floats(Item item) {
        float[] f = new float[item.getFeatures().size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = item.getFeatures().get(i);
        }
        return f;
    }

    // ---------------------------------------------------------------- running the job

    /** Runs {@code contrastream run} on the case's topics, bounded, and waits for it to finish. */
    private static void run(Topics t, String format, String... modelFlags) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "--bootstrap-servers",
                                bootstrap,
                                "--input-topic",
                                t.pairs,
                                "--scores-topic",
                                t.scores,
                                "--metrics-topic",
                                t.metrics,
                                "--alerts-topic",
                                t.alerts,
                                "--dead-letter-topic",
                                t.deadLetters,
                                "--models-topic",
                                t.models,
                                "--group-id",
                                "it-" + t.name,
                                "--job-name",
                                "it-" + t.name,
                                "--format",
                                format,
                                "--parallelism",
                                String.valueOf(PARALLELISM),
                                "--checkpoint-interval",
                                "500",
                                "--stop-at-latest"));
        args.addAll(List.of(modelFlags));
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .setExecutionExceptionHandler(
                                (e, cmd, parsed) -> {
                                    throw e;
                                })
                        .execute(args.toArray(String[]::new));
        assertThat(exit).isZero();
    }

    // ---------------------------------------------------------------- Kafka plumbing

    private record Topics(
            String name,
            String pairs,
            String scores,
            String metrics,
            String alerts,
            String deadLetters,
            String models) {
        static Topics named(String name) {
            return new Topics(
                    name,
                    name + "-pairs",
                    name + "-scores",
                    name + "-metrics",
                    name + "-alerts",
                    name + "-pairs-dlq",
                    name + "-models");
        }
    }

    /**
     * A record sent: where it landed, and what the job must make of it.
     *
     * @param reason the expected dead-letter reason, or null for a valid pair
     */
    private record Sent(
            int partition,
            long offset,
            String eventId,
            String model,
            DeadLetterReason reason,
            byte[] bytes) {
        Sent(int partition, long offset, String eventId, DeadLetterReason reason, byte[] bytes) {
            this(partition, offset, eventId, null, reason, bytes);
        }

        String position() {
            return partition + "@" + offset;
        }
    }

    private static void createTopics(Topics t) throws Exception {
        kafka.createTopics(
                PARTITIONS,
                List.of(t.pairs, t.scores, t.metrics, t.alerts, t.deadLetters, t.models));
    }

    /** Record {@code i} goes to partition {@code i % 2}: both partitions hold every model. */
    private static Future<RecordMetadata> send(
            KafkaProducer<byte[], byte[]> producer, String topic, int i, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
    }

    /** Every committed record of {@code topic}, decoded, read up to the end. */
    private static <T extends SpecificRecord> List<T> readAll(
            String topic, Wire wire, Class<T> type) throws WireFormatException {
        List<T> out = new ArrayList<>();
        for (byte[] value : KafkaTestSupport.readCommitted(bootstrap, topic, PARTITIONS)) {
            out.add(wire.decode(value, type));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The test's own codec per format (the schemas module's, not the job's encoder). */
    private interface Wire {
        byte[] encode(PairEvent event);

        <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) throws WireFormatException;

        final class Avro implements Wire {
            @Override
            public byte[] encode(PairEvent event) {
                return WireCodec.forType(PairEvent.class).encode(event);
            }

            @Override
            public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type)
                    throws WireFormatException {
                return WireCodec.forType(type).decode(bytes);
            }
        }

        final class Json implements Wire {
            @Override
            public byte[] encode(PairEvent event) {
                return JsonCodec.forType(PairEvent.class).encode(event);
            }

            @Override
            public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type)
                    throws WireFormatException {
                return JsonCodec.forType(type).decode(bytes);
            }
        }
    }
}
