package io.contrastream.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.CapturingMetricReporter;
import io.contrastream.job.KafkaTestSupport;
import io.contrastream.job.SecretWatch;
import io.contrastream.job.cli.ContrastreamCommand;
import io.contrastream.job.demo.EmbeddedKafka;
import io.contrastream.job.io.DeadLetters;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Hostile input through the real broker: every kind of bad record the issue lists, a flood of new
 * model keys past {@code --max-models}, and a learning rate of 1e6, in one bounded run of {@code
 * contrastream run} per wire format at parallelism 2.
 *
 * <p>The input topic has one partition, so the order in which the job sees the records is the order
 * they were sent, and each bad record's fate is known in advance: each lands in the dead-letter
 * topic once, at its offset, with a reason of its own; every valid record is scored once; scores
 * plus dead letters equal the records sent; the job finishes normally. With the learning rate of
 * 1e6 (plain SGD, no clipping) the parameters stay finite (every metrics window reports a finite
 * parameter norm), the skipped updates are counted (metrics windows and the Flink counter agree),
 * and an UPDATES_SKIPPED alert says so.
 */
class HostileInputITCase {

    private static final int PARALLELISM = 2;
    private static final int MAX_MODELS = 4;
    private static final int DIM = 8;
    private static final List<String> MODELS = List.of("alpha", "beta", "gamma");
    private static final int HUGE_VALUES = 10_000_000;
    private static final String SECRET = "hunter2-Zq7x";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(configuration())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    private static EmbeddedKafka kafka;
    private static String bootstrap;

    private static Configuration configuration() {
        return CapturingMetricReporter.register(KafkaTestSupport.loopbackConfiguration());
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(Files.createTempDirectory("contrastream-hostile-kafka"));
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A record sent, and the reason it must be refused with (null: it must be scored). */
    private record Sent(long offset, String eventId, String model, DeadLetterReason reason) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"avro", "json"})
    void everyHostileRecordIsDeadLetteredWithItsReasonAndTheJobKeepsLearning(String format)
            throws Exception {
        boolean avro = format.equals("avro");
        String name = "hostile-" + format;
        String pairs = name + "-pairs";
        List<String> outputs =
                List.of(
                        name + "-scores",
                        name + "-metrics",
                        name + "-alerts",
                        name + "-dlq",
                        name + "-models");
        // The input topic takes a 40 MB record (the ten-million-value vector); the outputs keep
        // Kafka's default limit of about 1 MiB, which a dead letter must fit.
        kafka.createTopics(1, List.of(pairs), Map.of("max.message.bytes", "67108864"));
        kafka.createTopics(1, outputs);

        List<Planned> planned = plan(avro);
        List<Sent> sent = send(pairs, planned);
        // Client secrets pass through from a properties file (unused on this PLAINTEXT broker, as
        // Kafka's clients say by key) and must appear in no log event, at any level, nor output.
        Path clientProperties = Files.createTempFile("contrastream-client", ".properties");
        Files.writeString(
                clientProperties,
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"tenant-a\" password=\""
                        + SECRET
                        + "\";\n"
                        + "ssl.key.password="
                        + SECRET
                        + "\n");
        try (SecretWatch watch = SecretWatch.start(SECRET)) {
            run(
                    name,
                    format,
                    "--kafka-properties",
                    clientProperties.toString(),
                    "--optimizer",
                    "sgd",
                    "--learning-rate",
                    "1e6",
                    "--clip-norm",
                    "0",
                    "--max-models",
                    String.valueOf(MAX_MODELS),
                    "--metrics-every",
                    "50",
                    "--warmup",
                    "20");
            assertThat(watch.leaks()).as("log events holding the secret").isEmpty();
            assertThat(watch.eventsSeen()).as("log events watched").isGreaterThan(1000);
        }
        for (String topic : outputs) {
            for (byte[] value : KafkaTestSupport.readCommitted(bootstrap, topic, 1)) {
                assertThat(new String(value, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
            }
        }

        List<PairScore> scores = read(outputs.get(0), avro, PairScore.class);
        List<LossMetrics> metrics = read(outputs.get(1), avro, LossMetrics.class);
        List<ChangeAlert> alerts = read(outputs.get(2), avro, ChangeAlert.class);
        List<DeadLetter> dead = read(outputs.get(3), avro, DeadLetter.class);

        // Every record accounted for once: scored if valid, else dead-lettered at its offset with
        // the reason it was built to trigger.
        assertThat(scores.size() + dead.size()).isEqualTo(sent.size());
        Map<Long, Sent> byOffset = new HashMap<>();
        sent.forEach(s -> byOffset.put(s.offset, s));
        Set<Long> deadOffsets = new HashSet<>();
        for (DeadLetter d : dead) {
            assertThat(deadOffsets.add(d.getOffset()))
                    .as("one dead letter at %s", d.getOffset())
                    .isTrue();
            Sent s = byOffset.get(d.getOffset());
            assertThat(s.reason).as("offset %d: %s", d.getOffset(), d.getMessage()).isNotNull();
            assertThat(d.getReason()).as(d.getMessage()).isEqualTo(s.reason);
            assertThat(d.getOriginal().remaining())
                    .isLessThanOrEqualTo(DeadLetters.MAX_ORIGINAL_BYTES);
        }
        Set<Long> expectedDead =
                sent.stream()
                        .filter(s -> s.reason != null)
                        .map(Sent::offset)
                        .collect(Collectors.toSet());
        assertThat(deadOffsets).isEqualTo(expectedDead);
        Map<String, Long> scoredTimes =
                scores.stream()
                        .collect(
                                Collectors.groupingBy(
                                        PairScore::getEventId, Collectors.counting()));
        assertThat(scoredTimes.values()).allMatch(n -> n == 1);
        assertThat(scoredTimes.keySet())
                .isEqualTo(
                        sent.stream()
                                .filter(s -> s.reason == null)
                                .map(Sent::eventId)
                                .collect(Collectors.toSet()));

        // The reasons: every kind the plan holds, each shown at least once.
        Set<DeadLetterReason> reasons =
                dead.stream().map(DeadLetter::getReason).collect(Collectors.toSet());
        assertThat(reasons)
                .contains(
                        DeadLetterReason.UNDECODABLE,
                        DeadLetterReason.DIMENSION_MISMATCH,
                        DeadLetterReason.LEFT_RIGHT_DIMENSION_MISMATCH,
                        DeadLetterReason.NON_FINITE_FEATURE,
                        DeadLetterReason.EMPTY_MODEL,
                        DeadLetterReason.EMPTY_ID,
                        DeadLetterReason.BAD_TIMESTAMP,
                        DeadLetterReason.DUPLICATE_EVENT,
                        DeadLetterReason.MODEL_LIMIT);
        if (avro) {
            assertThat(reasons)
                    .contains(DeadLetterReason.TOO_MANY_FEATURES, DeadLetterReason.UNKNOWN_SCHEMA);
            DeadLetter huge =
                    dead.stream()
                            .filter(d -> d.getReason() == DeadLetterReason.TOO_MANY_FEATURES)
                            .findFirst()
                            .orElseThrow();
            assertThat(huge.getMessage())
                    .contains(HUGE_VALUES + " values")
                    .contains("original cut");
        } else {
            assertThat(reasons)
                    .contains(DeadLetterReason.UNKNOWN_LABEL, DeadLetterReason.MISSING_FIELD);
        }

        // The flood: per trainer subtask, the first new models up to the bound were created, the
        // rest refused; the models that were created have scores, the refused ones none.
        Set<String> scoredModels =
                scores.stream().map(PairScore::getModel).collect(Collectors.toSet());
        assertThat(scoredModels).containsAll(MODELS);
        Set<String> createdFloodModels =
                sent.stream()
                        .filter(s -> s.reason == null && s.model.startsWith("flood-"))
                        .map(Sent::model)
                        .collect(Collectors.toSet());
        assertThat(createdFloodModels).isNotEmpty();
        assertThat(scoredModels).hasSize(MODELS.size() + createdFloodModels.size());
        assertThat(scoredModels.size()).isLessThanOrEqualTo(PARALLELISM * MAX_MODELS);

        // A learning rate of 1e6: finite parameters, skips counted alike by metrics and counter,
        // and alerted once per model and window with skips.
        assertThat(metrics)
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.getParameterNorm()).isFinite());
        long skippedInMetrics = metrics.stream().mapToLong(LossMetrics::getSkippedUpdates).sum();
        assertThat(skippedInMetrics).isPositive();
        assertThat(
                        CapturingMetricReporter.sumOfCounters(
                                "it-" + name, "contrastream", "skipped_updates"))
                .isEqualTo(skippedInMetrics);
        long windowsWithSkips = metrics.stream().filter(m -> m.getSkippedUpdates() > 0).count();
        List<ChangeAlert> skipAlerts =
                alerts.stream().filter(a -> a.getKind() == AlertKind.UPDATES_SKIPPED).toList();
        assertThat(skipAlerts).hasSize((int) windowsWithSkips);
        assertThat(skipAlerts).allSatisfy(a -> assertThat(a.getDetail()).contains("learning rate"));
    }

    // ------------------------------------------------------------------ the plan

    /** A record to send: its bytes (null for a tombstone) and what must become of it. */
    private record Planned(byte[] bytes, String eventId, String model, DeadLetterReason reason) {}

    private static List<Planned> plan(boolean avro) {
        SplittableRandom random = new SplittableRandom(2026);
        List<Planned> out = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String model = MODELS.get(i % MODELS.size());
            PairEvent e = valid("ok-" + i, model, DIM, random);
            out.add(new Planned(encode(avro, e), e.getEventId(), model, null));
            if (i == 90) {
                out.addAll(hostile(avro, random, out));
            }
        }
        out.addAll(flood(avro, random));
        return out;
    }

    private static PairEvent valid(String id, String model, int dim, SplittableRandom random) {
        int k = random.nextInt(3);
        PairLabel label = k == 0 ? PairLabel.SAME : k == 1 ? PairLabel.DIFFERENT : null;
        return KafkaTestSupport.pair(id, model, dim, label, random, 1000);
    }

    /** One record of every bad kind, after every model exists. */
    private static List<Planned> hostile(
            boolean avro, SplittableRandom random, List<Planned> before) {
        List<Planned> out = new ArrayList<>();
        byte[] whole = encode(avro, valid("bad-truncated", "alpha", DIM, random));
        out.add(bad(Arrays.copyOf(whole, whole.length / 2), DeadLetterReason.UNDECODABLE));
        byte[] noise = new byte[64];
        for (int k = 1; k < noise.length; k++) {
            noise[k] = (byte) random.nextInt(256);
        }
        out.add(bad(noise, DeadLetterReason.UNDECODABLE));
        out.add(bad(null, DeadLetterReason.UNDECODABLE));
        out.add(
                bad(
                        avro ? lossMetricsAvro() : lossMetricsJson(),
                        avro ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.MISSING_FIELD));
        out.add(
                bad(
                        encode(avro, valid("bad-dim", "alpha", 5, random)),
                        DeadLetterReason.DIMENSION_MISMATCH));
        PairEvent mixed = valid("bad-mixed", "beta", DIM, random);
        mixed.getRight().getFeatures().remove(0);
        out.add(bad(encode(avro, mixed), DeadLetterReason.LEFT_RIGHT_DIMENSION_MISMATCH));
        for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            PairEvent e = valid("bad-" + v, "gamma", DIM, random);
            e.getLeft().getFeatures().set(2, v);
            out.add(bad(encode(avro, e), DeadLetterReason.NON_FINITE_FEATURE));
        }
        if (avro) {
            // Ten million values: 40 MB on the wire, far beyond --max-features (65,536).
            List<Float> huge = new ArrayList<>(HUGE_VALUES);
            for (int k = 0; k < HUGE_VALUES; k++) {
                huge.add((float) (k % 1000));
            }
            PairEvent e = valid("bad-huge", "alpha", DIM, random);
            e.setLeft(new Item("huge-l", huge));
            out.add(bad(encode(true, e), DeadLetterReason.TOO_MANY_FEATURES));
        }
        PairEvent emptyModel = valid("bad-empty-model", "", DIM, random);
        out.add(bad(encode(avro, emptyModel), DeadLetterReason.EMPTY_MODEL));
        out.add(bad(encode(avro, valid("", "beta", DIM, random)), DeadLetterReason.EMPTY_ID));
        PairEvent emptyItem = valid("bad-empty-item", "beta", DIM, random);
        emptyItem.getLeft().setId("");
        out.add(bad(encode(avro, emptyItem), DeadLetterReason.EMPTY_ID));
        PairEvent labelled = valid("bad-label", "gamma", DIM, random);
        labelled.setLabel(PairLabel.SAME);
        out.add(
                bad(
                        avro ? avroWithUnknownLabel(labelled) : jsonWithUnknownLabel(labelled),
                        avro ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.UNKNOWN_LABEL));
        PairEvent future = valid("bad-future", "alpha", DIM, random);
        future.setEventTime(Instant.now().plus(Duration.ofDays(30)));
        out.add(bad(encode(avro, future), DeadLetterReason.BAD_TIMESTAMP));
        PairEvent past = valid("bad-past", "alpha", DIM, random);
        past.setEventTime(Instant.ofEpochMilli(-86_400_000L));
        out.add(bad(encode(avro, past), DeadLetterReason.BAD_TIMESTAMP));
        // Retries of valid records already sent: the same bytes, and the same id with new values.
        Planned first = before.get(before.size() - 3);
        out.add(
                new Planned(
                        first.bytes, first.eventId, first.model, DeadLetterReason.DUPLICATE_EVENT));
        PairEvent again =
                valid(
                        before.get(before.size() - 6).eventId,
                        before.get(before.size() - 6).model,
                        DIM,
                        random);
        out.add(
                new Planned(
                        encode(avro, again),
                        again.getEventId(),
                        again.getModel(),
                        DeadLetterReason.DUPLICATE_EVENT));
        return out;
    }

    /**
     * Forty new model keys, a pair each, arriving after the three regular models exist: on each
     * trainer subtask the first ones up to {@link #MAX_MODELS} models are created, the others
     * refused MODEL_LIMIT. Which subtask a key goes to is Flink's key-group assignment.
     */
    private static List<Planned> flood(boolean avro, SplittableRandom random) {
        int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM);
        int[] models = new int[PARALLELISM];
        for (String m : MODELS) {
            models[
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            m, maxParallelism, PARALLELISM)]++;
        }
        List<Planned> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String model = String.format("flood-%02d", i);
            int subtask =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            model, maxParallelism, PARALLELISM);
            PairEvent e = valid("flood-" + i, model, DIM, random);
            boolean room = models[subtask] < MAX_MODELS;
            if (room) {
                models[subtask]++;
            }
            out.add(
                    new Planned(
                            encode(avro, e),
                            e.getEventId(),
                            model,
                            room ? null : DeadLetterReason.MODEL_LIMIT));
        }
        return out;
    }

    private static Planned bad(byte[] bytes, DeadLetterReason reason) {
        return new Planned(bytes, null, null, reason);
    }

    private static byte[] encode(boolean avro, PairEvent e) {
        return avro
                ? WireCodec.forType(PairEvent.class).encode(e)
                : JsonCodec.forType(PairEvent.class).encode(e);
    }

    private static LossMetrics lossMetrics() {
        return LossMetrics.newBuilder()
                .setModel("alpha")
                .setModelVersion(1)
                .setWindowStart(Instant.EPOCH)
                .setWindowEnd(Instant.EPOCH)
                .setCount(1)
                .setLabelledCount(1)
                .setThreshold(1)
                .setParameterNorm(1)
                .setSkippedUpdates(0)
                .build();
    }

    private static byte[] lossMetricsAvro() {
        return WireCodec.forType(LossMetrics.class).encode(lossMetrics());
    }

    private static byte[] lossMetricsJson() {
        return JsonCodec.forType(LossMetrics.class).encode(lossMetrics());
    }

    /** A PairEvent written with a schema whose PairLabel has one more symbol, MAYBE. */
    private static byte[] avroWithUnknownLabel(PairEvent e) {
        Schema variant =
                new Schema.Parser()
                        .parse(
                                PairEvent.getClassSchema()
                                        .toString()
                                        .replace(
                                                "[\"SAME\",\"DIFFERENT\"]",
                                                "[\"SAME\",\"DIFFERENT\",\"MAYBE\"]"));
        assertThat(variant.toString()).contains("MAYBE");
        GenericData.Record record = new GenericData.Record(variant);
        byte[] specific = WireCodec.forType(PairEvent.class).encode(e);
        GenericRecord decoded;
        try {
            decoded =
                    new org.apache.avro.message.BinaryMessageDecoder<GenericRecord>(
                                    GenericData.get(), PairEvent.getClassSchema())
                            .decode(specific);
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
        for (Schema.Field f : variant.getFields()) {
            record.put(f.name(), decoded.get(f.name()));
        }
        Schema labelSchema = variant.getField("label").schema().getTypes().get(1);
        record.put("label", new GenericData.EnumSymbol(labelSchema, "MAYBE"));
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), variant)
                    .encode(record)
                    .array();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] jsonWithUnknownLabel(PairEvent e) {
        String json =
                new String(JsonCodec.forType(PairEvent.class).encode(e), StandardCharsets.UTF_8);
        assertThat(json).contains("\"label\":\"SAME\"");
        return json.replace("\"label\":\"SAME\"", "\"label\":\"MAYBE\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ Kafka and the job

    private static List<Sent> send(String topic, List<Planned> planned) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "67108864");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "134217728");
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (Planned r : planned) {
                acks.add(producer.send(new ProducerRecord<>(topic, 0, null, r.bytes)));
            }
            producer.flush();
            for (int i = 0; i < planned.size(); i++) {
                Planned r = planned.get(i);
                sent.add(new Sent(acks.get(i).get().offset(), r.eventId, r.model, r.reason));
            }
        }
        return sent;
    }

    private static void run(String name, String format, String... flags) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "--bootstrap-servers",
                                bootstrap,
                                "--input-topic",
                                name + "-pairs",
                                "--scores-topic",
                                name + "-scores",
                                "--metrics-topic",
                                name + "-metrics",
                                "--alerts-topic",
                                name + "-alerts",
                                "--dead-letter-topic",
                                name + "-dlq",
                                "--models-topic",
                                name + "-models",
                                "--group-id",
                                "it-" + name,
                                "--job-name",
                                "it-" + name,
                                "--format",
                                format,
                                "--parallelism",
                                String.valueOf(PARALLELISM),
                                "--checkpoint-interval",
                                "500",
                                "--stop-at-latest"));
        args.addAll(List.of(flags));
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .setExecutionExceptionHandler(
                                (e, cmd, parsed) -> {
                                    throw e;
                                })
                        .execute(args.toArray(String[]::new));
        assertThat(exit).as("the job finished normally").isZero();
    }

    private static <T extends SpecificRecord> List<T> read(
            String topic, boolean avro, Class<T> type) throws WireFormatException {
        List<T> out = new ArrayList<>();
        for (byte[] value : KafkaTestSupport.readCommitted(bootstrap, topic, 1)) {
            out.add(
                    avro
                            ? WireCodec.forType(type).decode(value)
                            : JsonCodec.forType(type).decode(value));
        }
        return out;
    }
}
