package io.contrastream.job.io.kafka;

import io.contrastream.job.model.RawRecord;
import io.contrastream.job.model.RawRecordSerializer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The pair topic as a stream of {@link RawRecord}s: each Kafka value with its partition and offset,
 * undecoded. Decoding is the job's first operator, so a record of bad bytes becomes a dead letter
 * there instead of failing the source.
 *
 * <p>The consumer reads {@code read_committed} (so it never sees a pair from an aborted producer
 * transaction), starts from the group's committed offsets or, for a new group, the earliest, and
 * commits its offsets to Kafka at each completed checkpoint (for monitoring; the job restores from
 * its own checkpointed offsets).
 */
public final class KafkaInput {

    /** The operator id of the source: savepoints map the read offsets to it. */
    public static final String SOURCE_UID = "kafka-source";

    private KafkaInput() {}

    /**
     * The source.
     *
     * @param bootstrapServers host:port[,host:port...]
     * @param topic the pair topic
     * @param groupId the consumer group (whose committed offsets a new job starts from)
     * @param client extra client settings (security), passed through
     * @param stopAtLatest stop at the offsets that are latest when the job starts (a bounded job,
     *     for tests and demos) instead of reading forever
     */
    public static KafkaSource<RawRecord> source(
            String bootstrapServers,
            String topic,
            String groupId,
            KafkaClientProperties client,
            boolean stopAtLatest) {
        KafkaSourceBuilder<RawRecord> builder =
                KafkaSource.<RawRecord>builder()
                        .setProperties(client.toProperties())
                        .setBootstrapServers(bootstrapServers)
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new RawRecordDeserializer())
                        .setProperty("isolation.level", "read_committed");
        if (stopAtLatest) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Adds {@code source} to {@code env} with id {@link #SOURCE_UID}. No watermarks: event time is
     * in the payload, which is decoded later; a bounded input still ends with the final watermark.
     */
    public static DataStream<RawRecord> stream(
            StreamExecutionEnvironment env, KafkaSource<RawRecord> source, String topic) {
        return env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        "kafka: " + topic,
                        RawRecordSerializer.TYPE)
                .uid(SOURCE_UID);
    }

    /**
     * Turns a Kafka record into a {@link RawRecord}: the value's bytes (an empty array for a null
     * value, a tombstone), the partition and the offset. Never throws: judging the bytes is the
     * decoder's work.
     */
    public static final class RawRecordDeserializer
            implements KafkaRecordDeserializationSchema<RawRecord> {

        private static final long serialVersionUID = 1L;

        private static final byte[] EMPTY = new byte[0];

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            byte[] value = record.value();
            out.collect(
                    new RawRecord(
                            value == null ? EMPTY : value, record.partition(), record.offset()));
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return RawRecordSerializer.TYPE;
        }
    }
}
