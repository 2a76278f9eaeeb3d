package io.contrastream.job.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.model.RawRecord;
import io.contrastream.job.model.RawRecordSerializer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The source's deserializer: bytes, partition and offset carried; nothing refused. */
class KafkaInputTest {

    private static List<RawRecord> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<RawRecord> out = new ArrayList<>();
        new KafkaInput.RawRecordDeserializer()
                .deserialize(
                        record,
                        new Collector<>() {
                            @Override
                            public void collect(RawRecord r) {
                                out.add(r);
                            }

                            @Override
                            public void close() {}
                        });
        return out;
    }

    @Test
    void carriesTheValuePartitionAndOffset() {
        byte[] value = {(byte) 0xC3, 0x01, 7, 8, 9};
        List<RawRecord> out =
                deserialize(new ConsumerRecord<>("pairs", 3, 12_345_678_901L, null, value));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).bytes()).isEqualTo(value);
        assertThat(out.get(0).partition()).isEqualTo(3);
        assertThat(out.get(0).position()).isEqualTo(12_345_678_901L);
    }

    @Test
    void aNullValueBecomesEmptyBytes() {
        List<RawRecord> out =
                deserialize(new ConsumerRecord<>("pairs", 0, 5L, new byte[] {1}, null));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).bytes()).isEmpty();
        assertThat(out.get(0).position()).isEqualTo(5L);
    }

    @Test
    void garbageIsPassedOnNotRefused() {
        byte[] garbage = {0, -1, 42};
        assertThat(deserialize(new ConsumerRecord<>("pairs", 1, 0L, null, garbage)))
                .singleElement()
                .satisfies(r -> assertThat(r.bytes()).isEqualTo(garbage));
    }

    @Test
    void producesTheExplicitRawRecordType() {
        assertThat(new KafkaInput.RawRecordDeserializer().getProducedType())
                .isSameAs(RawRecordSerializer.TYPE);
    }
}
