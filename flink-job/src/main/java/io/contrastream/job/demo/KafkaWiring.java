package io.contrastream.job.demo;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.RecordEncoder;
import io.contrastream.job.model.RawRecord;
import io.contrastream.job.model.RawRecordSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Temporary Kafka wiring of the demo (to be replaced by the job's Kafka IO). */
final class KafkaWiring {

    private KafkaWiring() {}

    static DataStream<RawRecord> source(
            StreamExecutionEnvironment env, String bootstrap, String topic, String group) {
        Properties props = new Properties();
        props.setProperty("isolation.level", "read_committed");
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(topic)
                        .setGroupId(group)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setProperties(props)
                        .setDeserializer(new Raw())
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka " + topic)
                .uid("kafka-source");
    }

    static void attach(
            StreamExecutionEnvironment env,
            ContrastreamJob.Outputs outputs,
            String bootstrap,
            WireFormat format,
            String jobName) {
        sink(
                outputs.scores(),
                DemoRunner.SCORES,
                io.contrastream.schema.PairScore.class,
                bootstrap,
                format,
                jobName);
        sink(
                outputs.metrics(),
                DemoRunner.METRICS,
                io.contrastream.schema.LossMetrics.class,
                bootstrap,
                format,
                jobName);
        sink(
                outputs.alerts(),
                DemoRunner.ALERTS,
                io.contrastream.schema.ChangeAlert.class,
                bootstrap,
                format,
                jobName);
        sink(
                outputs.deadLetters(),
                DemoRunner.DEAD_LETTERS,
                io.contrastream.schema.DeadLetter.class,
                bootstrap,
                format,
                jobName);
    }

    private static <T extends SpecificRecord> void sink(
            DataStream<T> stream,
            String topic,
            Class<T> type,
            String bootstrap,
            WireFormat format,
            String jobName) {
        RecordEncoder<T> encoder = new RecordEncoder<>(type, format);
        Properties props = new Properties();
        props.setProperty("transaction.timeout.ms", "600000");
        KafkaSink<T> sink =
                KafkaSink.<T>builder()
                        .setBootstrapServers(bootstrap)
                        .setKafkaProducerConfig(props)
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(jobName + "-" + topic)
                        .setRecordSerializer(
                                (KafkaRecordSerializationSchema<T>)
                                        (element, context, timestamp) ->
                                                new ProducerRecord<>(
                                                        topic, null, encoder.encode(element)))
                        .build();
        stream.sinkTo(sink).uid("sink-" + topic).name("kafka " + topic);
    }

    private static final class Raw implements KafkaRecordDeserializationSchema<RawRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out)
                throws IOException {
            byte[] value = record.value() == null ? new byte[0] : record.value();
            out.collect(new RawRecord(value, record.partition(), record.offset()));
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return RawRecordSerializer.TYPE;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
