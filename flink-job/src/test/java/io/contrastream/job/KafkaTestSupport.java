package io.contrastream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.schema.Item;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import io.contrastream.schema.PairScore;
import io.contrastream.schema.WireCodec;
import io.contrastream.schema.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the Kafka ITCases share: a loopback-only MiniCluster configuration, pair events to send, a
 * producer, and committed reads of an output topic to its end.
 */
public final class KafkaTestSupport {

    private KafkaTestSupport() {}

    /**
     * A pair of {@code dim} features: SAME items near each other, others independent; event time
     * within {@code timeSpreadMs} of 2023-11-14.
     */
    public static PairEvent pair(
            String id,
            String model,
            int dim,
            PairLabel label,
            SplittableRandom random,
            int timeSpreadMs) {
        List<Float> a = new ArrayList<>(dim);
        List<Float> b = new ArrayList<>(dim);
        for (int k = 0; k < dim; k++) {
            float x = (float) random.nextGaussian();
            a.add(x);
            b.add(
                    label == PairLabel.SAME
                            ? x + (float) (0.1 * random.nextGaussian())
                            : (float) random.nextGaussian());
        }
        return PairEvent.newBuilder()
                .setEventId(id)
                .setModel(model)
                .setLeft(Item.newBuilder().setId(id + "-l").setFeatures(a).build())
                .setRight(Item.newBuilder().setId(id + "-r").setFeatures(b).build())
                .setLabel(label)
                .setEventTime(
                        Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(timeSpreadMs)))
                .build();
    }

    /** MiniCluster settings that bind every Flink endpoint to 127.0.0.1. */
    public static Configuration loopbackConfiguration() {
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        return conf;
    }

    /** A byte-array producer, all acks, one request in flight. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight: on a loaded machine a retried first batch of a new topic was
        // overtaken by later ones and then refused for ever (OutOfOrderSequenceException).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends the events in Avro, keyed by model, each model to partition {@code index(model) %
     * partitions}, so a model's order is defined; waits for every acknowledgement.
     */
    public static void produceByModel(
            String bootstrap,
            String topic,
            List<PairEvent> events,
            List<String> models,
            int partitions)
            throws Exception {
        WireCodec<PairEvent> codec = WireCodec.forType(PairEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (PairEvent e : events) {
                acks.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        models.indexOf(e.getModel()) % partitions,
                                        e.getModel().getBytes(StandardCharsets.UTF_8),
                                        codec.encode(e))));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
    }

    /**
     * Every committed record of {@code topic} (read_committed, up to the last stable offsets: no
     * open transaction may remain once the job has finished), by key, each key's records in
     * partition order. A record without a key is filed under "".
     */
    public static Map<String, List<byte[]>> readCommittedByKey(
            String bootstrap, String topic, int partitions) {
        Map<String, List<byte[]>> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                readCommittedRecords(bootstrap, topic, partitions)) {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(r.value());
        }
        return out;
    }

    /**
     * Every committed record of {@code topic}, whole (key, value, headers), as {@link
     * #readCommittedByKey} reads them: each partition's records in order.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedRecords(
            String bootstrap, String topic, int partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                assigned.add(new TopicPartition(topic, i));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read %s to its end", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Every committed record of {@code topic}, all keys together. */
    public static List<byte[]> readCommitted(String bootstrap, String topic, int partitions) {
        List<byte[]> all = new ArrayList<>();
        readCommittedByKey(bootstrap, topic, partitions).values().forEach(all::addAll);
        return all;
    }

    /** Avro scores, decoded. */
    public static List<PairScore> decodeScores(List<byte[]> records) throws WireFormatException {
        WireCodec<PairScore> codec = WireCodec.forType(PairScore.class);
        List<PairScore> out = new ArrayList<>(records.size());
        for (byte[] b : records) {
            out.add(codec.decode(b));
        }
        return out;
    }

    /** Records as base64 strings: byte arrays that compare by value. */
    public static List<String> base64(List<byte[]> records) {
        List<String> out = new ArrayList<>(records.size());
        for (byte[] b : records) {
            out.add(Base64.getEncoder().encodeToString(b));
        }
        return out;
    }
}
