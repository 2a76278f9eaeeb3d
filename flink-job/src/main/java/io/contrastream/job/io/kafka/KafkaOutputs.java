package io.contrastream.job.io.kafka;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.export.ModelFile;
import io.contrastream.job.io.RecordEncoder;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The job's outputs as Kafka topics, written exactly once: each sink writes in a Kafka transaction
 * that commits when the checkpoint that covers its records completes, so a {@code read_committed}
 * consumer sees every output record once, even across failures and restarts (and sees it only after
 * that checkpoint: output latency is about the checkpoint interval).
 *
 * <p>Values are encoded by {@link RecordEncoder} in the job's wire format; keys are the model name
 * in UTF-8 (so one model's records stay in order in one partition), or none for a dead letter that
 * names no model. Model files go out as they are (safetensors, {@link #modelsSink}).
 */
public final class KafkaOutputs {

    /**
     * The default {@code transaction.timeout.ms}: 10 minutes, below the broker's default {@code
     * transaction.max.timeout.ms} of 15 (Flink's own default of 1 hour is refused by a default
     * broker). Must exceed the longest expected checkpoint interval plus a restart.
     */
    public static final String TRANSACTION_TIMEOUT_MS = "600000";

    /** Operator ids of the five sinks: savepoints map their transaction state to them. */
    public static final String SCORES_UID = "kafka-sink-scores";

    public static final String METRICS_UID = "kafka-sink-metrics";
    public static final String ALERTS_UID = "kafka-sink-alerts";
    public static final String DEAD_LETTERS_UID = "kafka-sink-dead-letters";
    public static final String MODELS_UID = "kafka-sink-models";

    /** The record header holding a model file's {@code model_version}, as decimal UTF-8. */
    public static final String VERSION_HEADER = "contrastream.version";

    /**
     * The models sink's {@code max.request.size}: 64 MiB, so that the producer never refuses a
     * model file; the broker still refuses a record above the topic's {@code max.message.bytes}
     * (about 1 MiB by default), so a topic for models above that size must be created with a larger
     * limit. A file is 4 bytes per parameter plus a header of under 1 KiB.
     */
    public static final String MODELS_MAX_REQUEST_SIZE = Integer.toString(64 << 20);

    private KafkaOutputs() {}

    /**
     * The output topics.
     *
     * @param scores one PairScore per accepted pair
     * @param metrics LossMetrics per model and window
     * @param alerts ChangeAlerts
     * @param deadLetters refused input records
     * @param models model files (safetensors), keyed by model
     */
    public record Topics(
            String scores, String metrics, String alerts, String deadLetters, String models) {

        /** Checks that every topic is named and no two are the same. */
        public Topics {
            String[] all = {scores, metrics, alerts, deadLetters, models};
            String[] flags = {
                "scores-topic", "metrics-topic", "alerts-topic", "dead-letter-topic", "models-topic"
            };
            for (int i = 0; i < all.length; i++) {
                if (all[i] == null || all[i].isBlank()) {
                    throw new IllegalArgumentException(flags[i] + " must not be empty");
                }
                for (int j = 0; j < i; j++) {
                    if (all[i].equals(all[j])) {
                        throw new IllegalArgumentException(
                                flags[i] + " and " + flags[j] + " are both '" + all[i] + "'");
                    }
                }
            }
        }

        /** Every output topic, in the order of the components. */
        public List<String> all() {
            return List.of(scores, metrics, alerts, deadLetters, models);
        }
    }

    /**
     * The transactional id prefix of the sink writing {@code topic} for job {@code jobName}: {@code
     * contrastream-<jobName>-<topic>}. Unique per job and topic, and stable across restarts, so a
     * restarted job finds and aborts its own lingering transactions; two jobs running at once need
     * different job names.
     */
    public static String transactionalIdPrefix(String jobName, String topic) {
        return "contrastream-" + jobName + "-" + topic;
    }

    /**
     * An exactly-once sink of {@code T} records to {@code topic}.
     *
     * @param key the record's key (null for none); the model name for the job's outputs
     */
    public static <T extends SpecificRecord> KafkaSink<T> sink(
            String bootstrapServers,
            String topic,
            RecordEncoder<T> encoder,
            SerializableFunction<T, String> key,
            String transactionalIdPrefix,
            KafkaClientProperties client) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        producer.putAll(client.toProperties());
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new EncodedRecords<>(topic, encoder, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * An exactly-once sink of model files ({@link ModelFile}, safetensors) to {@code topic}: key
     * the model name in UTF-8, value the file's bytes as they are, header {@value #VERSION_HEADER}
     * the model version. Its producer accepts records up to {@link #MODELS_MAX_REQUEST_SIZE} bytes
     * (settable in the client properties); the topic's {@code max.message.bytes} must admit the
     * files too.
     */
    public static KafkaSink<byte[]> modelsSink(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            KafkaClientProperties client) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        producer.setProperty("max.request.size", MODELS_MAX_REQUEST_SIZE);
        producer.putAll(client.toProperties());
        return KafkaSink.<byte[]>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new ModelRecords(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /** Writes the five outputs to {@code topics}, each with its own sink and stable uid. */
    public static void wire(
            ContrastreamJob.Outputs outputs,
            String bootstrapServers,
            Topics topics,
            WireFormat format,
            String jobName,
            KafkaClientProperties client) {
        outputs.scores()
                .sinkTo(
                        sink(
                                bootstrapServers,
                                topics.scores(),
                                new RecordEncoder<>(PairScore.class, format),
                                PairScore::getModel,
                                transactionalIdPrefix(jobName, topics.scores()),
                                client))
                .uid(SCORES_UID)
                .name("kafka: " + topics.scores());
        outputs.metrics()
                .sinkTo(
                        sink(
                                bootstrapServers,
                                topics.metrics(),
                                new RecordEncoder<>(LossMetrics.class, format),
                                LossMetrics::getModel,
                                transactionalIdPrefix(jobName, topics.metrics()),
                                client))
                .uid(METRICS_UID)
                .name("kafka: " + topics.metrics());
        outputs.alerts()
                .sinkTo(
                        sink(
                                bootstrapServers,
                                topics.alerts(),
                                new RecordEncoder<>(ChangeAlert.class, format),
                                ChangeAlert::getModel,
                                transactionalIdPrefix(jobName, topics.alerts()),
                                client))
                .uid(ALERTS_UID)
                .name("kafka: " + topics.alerts());
        DataStream<DeadLetter> deadLetters = outputs.deadLetters();
        deadLetters
                .sinkTo(
                        sink(
                                bootstrapServers,
                                topics.deadLetters(),
                                new RecordEncoder<>(DeadLetter.class, format),
                                DeadLetter::getModel,
                                transactionalIdPrefix(jobName, topics.deadLetters()),
                                client))
                .uid(DEAD_LETTERS_UID)
                .name("kafka: " + topics.deadLetters());
        outputs.models()
                .sinkTo(
                        modelsSink(
                                bootstrapServers,
                                topics.models(),
                                transactionalIdPrefix(jobName, topics.models()),
                                client))
                .uid(MODELS_UID)
                .name("kafka: " + topics.models());
    }

    /**
     * A model file as it is, keyed by its model's name (UTF-8), with its version in a header. The
     * file is read (and so checked) once more here: snapshots are rare, and a file the engine
     * cannot read must not reach the topic.
     */
    static final class ModelRecords implements KafkaRecordSerializationSchema<byte[]> {

        private static final long serialVersionUID = 1L;

        private final String topic;

        ModelRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                byte[] file, KafkaSinkContext context, Long timestamp) {
            ModelFile model;
            try {
                model = ModelFile.read(file);
            } catch (IOException e) {
                throw new IllegalStateException("the trainer wrote an unreadable model file", e);
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(
                    VERSION_HEADER,
                    Long.toString(model.modelVersion()).getBytes(StandardCharsets.UTF_8));
            // No Flink timestamp, as for the other outputs: the end-of-input snapshot carries
            // Long.MAX_VALUE.
            return new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    model.model().getBytes(StandardCharsets.UTF_8),
                    file,
                    headers);
        }
    }

    /** A record's bytes in the wire format, keyed by {@code key} (UTF-8), to one topic. */
    static final class EncodedRecords<T extends SpecificRecord>
            implements KafkaRecordSerializationSchema<T> {

        private static final long serialVersionUID = 1L;

        private final String topic;
        private final RecordEncoder<T> encoder;
        private final SerializableFunction<T, String> key;

        EncodedRecords(
                String topic, RecordEncoder<T> encoder, SerializableFunction<T, String> key) {
            this.topic = topic;
            this.encoder = encoder;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                T record, KafkaSinkContext context, Long timestamp) {
            String k = key.apply(record);
            // No Flink timestamp: the end-of-input metrics carry Long.MAX_VALUE, which a broker
            // refuses; the producer stamps the send time instead (event times are in the value).
            return new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    encoder.encode(record));
        }
    }
}
