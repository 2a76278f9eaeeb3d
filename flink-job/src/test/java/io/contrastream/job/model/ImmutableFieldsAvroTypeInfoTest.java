package io.contrastream.job.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import io.contrastream.schema.PairScore;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ImmutableFieldsAvroTypeInfoTest {

    private static final PairScore SCORE =
            new PairScore(
                    "e1",
                    "m",
                    "l",
                    "r",
                    1.25,
                    null,
                    PairLabel.SAME,
                    0.5,
                    0.75,
                    true,
                    7L,
                    Instant.ofEpochMilli(1_700_000_000_123L));

    @Test
    void copiesEqualRecordsAndWritesAvrosBytes() throws Exception {
        TypeSerializer<PairScore> fast =
                new ImmutableFieldsAvroTypeInfo<>(PairScore.class)
                        .createSerializer(new SerializerConfigImpl());
        PairScore copy = fast.copy(SCORE);
        assertThat(copy).isNotSameAs(SCORE).isEqualTo(SCORE);
        assertThat(copy).isEqualTo(new AvroSerializer<>(PairScore.class).copy(SCORE));
        assertThat(bytes(fast, SCORE))
                .isEqualTo(bytes(new AvroSerializer<>(PairScore.class), SCORE));
        assertThat(fast.duplicate()).isEqualTo(fast).isNotSameAs(fast);
        // Shipped to the task managers by Java serialization, as Flink does.
        TypeSerializer<PairScore> shipped = InstantiationUtil.clone(fast);
        assertThat(shipped.copy(SCORE)).isEqualTo(SCORE);

        ChangeAlert alert =
                new ChangeAlert(
                        "m/1",
                        AlertKind.DRIFT,
                        "m",
                        null,
                        null,
                        null,
                        null,
                        null,
                        3L,
                        Instant.ofEpochMilli(5),
                        "detail");
        assertThat(
                        new ImmutableFieldsAvroTypeInfo<>(ChangeAlert.class)
                                .createSerializer(new SerializerConfigImpl())
                                .copy(alert))
                .isEqualTo(alert);
    }

    @Test
    void refusesARecordWithAMutableField() {
        assertThatThrownBy(() -> new ImmutableFieldsAvroTypeInfo<>(PairEvent.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PairEvent.left");
    }

    private static byte[] bytes(TypeSerializer<PairScore> serializer, PairScore score)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(score, out);
        return out.getCopyOfBuffer();
    }
}
