package io.contrastream.job.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.PairScore;
import java.time.Instant;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * Every field of each schema is filled with a value unlike its default (through the generic {@code
 * put}, by the schema, so a field added later is filled too) and must come through the copy; with
 * null in every nullable field as well. The copy through the type info is checked to be Avro's.
 */
class OutputRecordsTest {

    /** A value of {@code schema}'s type, or null when {@code nulls} and the field allows it. */
    private static Object value(Schema schema, SplittableRandom random, boolean nulls) {
        if (schema.getType() == Schema.Type.UNION) {
            Schema nonNull = null;
            for (Schema s : schema.getTypes()) {
                if (s.getType() != Schema.Type.NULL) {
                    nonNull = s;
                }
            }
            return nulls ? null : value(nonNull, random, false);
        }
        if (schema.getLogicalType() != null
                && schema.getLogicalType().getName().equals("timestamp-millis")) {
            return Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000));
        }
        switch (schema.getType()) {
            case STRING:
                return "s" + random.nextInt();
            case ENUM:
                return enumValue(schema, random);
            case INT:
                return 1 + random.nextInt(1000);
            case LONG:
                return 1 + random.nextLong(1_000_000_000L);
            case DOUBLE:
                return 0.5 + random.nextDouble();
            case FLOAT:
                return 0.5f + (float) random.nextDouble();
            case BOOLEAN:
                return true;
            default:
                throw new AssertionError("no test value for " + schema);
        }
    }

    private static Object enumValue(Schema schema, SplittableRandom random) {
        try {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Class<Enum> type = (Class<Enum>) Class.forName(schema.getFullName());
            Enum[] values = type.getEnumConstants();
            // Not the first constant: a field left unset by a copy is null anyway, but be sure.
            return values[1 + random.nextInt(values.length - 1)];
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static <T extends SpecificRecordBase> void check(
            T empty, ImmutableFieldsAvroTypeInfo.Copier<T> copier, Class<T> type) throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        for (boolean nulls : new boolean[] {false, true}) {
            for (Schema.Field f : empty.getSchema().getFields()) {
                empty.put(f.pos(), value(f.schema(), random, nulls));
            }
            T copy = copier.copy(empty);
            assertThat(copy).isNotSameAs(empty).isEqualTo(empty);
            for (Schema.Field f : empty.getSchema().getFields()) {
                assertThat(copy.get(f.pos())).as(f.name()).isEqualTo(empty.get(f.pos()));
            }
            // Through the type info, as the job copies it to a chained operator: Avro's copy and
            // Avro's bytes.
            TypeSerializer<T> serializer =
                    InstantiationUtil.clone(
                            new ImmutableFieldsAvroTypeInfo<>(type, copier)
                                    .createSerializer(new SerializerConfigImpl()));
            assertThat(serializer.copy(empty))
                    .isEqualTo(new AvroSerializer<>(type).copy(empty))
                    .isNotSameAs(empty);
            assertThat(bytes(serializer, empty))
                    .isEqualTo(bytes(new AvroSerializer<>(type), empty));
        }
        assertThat(copier.copy(null)).isNull();
    }

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T record) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void aScoreCopyHoldsEveryField() throws Exception {
        check(new PairScore(), OutputRecords::copy, PairScore.class);
    }

    @Test
    void anAlertCopyHoldsEveryField() throws Exception {
        check(new ChangeAlert(), OutputRecords::copy, ChangeAlert.class);
    }

    @Test
    void theEventTimeIsTheSetterOfWholeMilliseconds() {
        PairScore viaSetter = new PairScore();
        PairScore viaPut = new PairScore();
        for (long millis : new long[] {0L, 1L, -1L, 1_700_000_000_123L, Long.MAX_VALUE / 1000}) {
            viaSetter.setEventTime(Instant.ofEpochMilli(millis));
            OutputRecords.setEventTime(viaPut, millis);
            assertThat(viaPut.getEventTime()).isEqualTo(viaSetter.getEventTime());
            ChangeAlert alert = new ChangeAlert();
            OutputRecords.setEventTime(alert, millis);
            assertThat(alert.getEventTime()).isEqualTo(Instant.ofEpochMilli(millis));
        }
    }
}
