package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * What a schema version 2 will go through, simulated with a v2 built here from the committed v1: v1
 * plus an optional {@code source} string (default null) and a {@code weight} double (default 1.0).
 */
class SchemaEvolutionTest {

    private static final Schema V1 = SchemaHistory.load("PairEvent").get(0);
    private static final Schema V2 =
            withExtraFields(
                    V1,
                    new Schema.Field(
                            "source",
                            Schema.createUnion(
                                    Schema.create(Schema.Type.NULL),
                                    Schema.create(Schema.Type.STRING)),
                            "Producer of the event; null when not known.",
                            JsonProperties.NULL_VALUE),
                    new Schema.Field(
                            "weight",
                            Schema.create(Schema.Type.DOUBLE),
                            "Weight of the pair in the loss.",
                            1.0));

    @Test
    void v2IsADifferentWriterSchema() {
        assertThat(WireCodec.fingerprintOf(V2)).isNotEqualTo(WireCodec.fingerprintOf(V1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void v1GoldenDecodesUnderAV2ReaderWithTheDefaultsFilledIn() throws WireFormatException {
        WireCodec<GenericRecord> v2Reader = WireCodec.generic(V2, List.of(V1));

        GenericRecord event = v2Reader.decode(TestResources.golden("pair-event", 1));

        assertThat(event.getSchema()).isEqualTo(V2);
        assertThat(event.get("event_id")).isEqualTo("golden-pe-1");
        assertThat(event.get("model")).isEqualTo("digits");
        assertThat(((GenericRecord) event.get("left")).get("id")).isEqualTo("img-17");
        assertThat((List<Object>) ((GenericRecord) event.get("right")).get("features"))
                .containsExactly(0.5f, -0.125f, 3.0f, 7.75f);
        assertThat(event.get("label").toString()).isEqualTo("DIFFERENT");
        assertThat(event.get("event_time")).isEqualTo(Instant.parse("2024-05-01T12:34:56.789Z"));
        assertThat(event.get("source")).isNull();
        assertThat(event.get("weight")).isEqualTo(1.0);
    }

    @Test
    void todaysReaderRefusesAV2MessageAsUnknownSchema() {
        byte[] v2Message = WireCodec.generic(V2, List.of()).encode(v2Record());

        assertThatThrownBy(() -> WireCodec.forType(PairEvent.class).decode(v2Message))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA))
                .hasMessageContaining(WireCodec.hex(WireCodec.fingerprintOf(V2)))
                .hasMessageContaining("io.contrastream.schema.PairEvent");
    }

    @Test
    void aReaderThatKnowsV2ReadsBothVersions() throws WireFormatException {
        WireCodec<PairEvent> codec = WireCodec.forType(PairEvent.class, List.of(V1, V2));
        byte[] v2Message = WireCodec.generic(V2, List.of()).encode(v2Record());

        PairEvent fromV2 = codec.decode(v2Message);
        PairEvent fromV1 = codec.decode(TestResources.golden("pair-event", 1));

        assertThat(fromV2).isEqualTo(GoldenRecords.pairEvent());
        assertThat(fromV1).isEqualTo(GoldenRecords.pairEvent());
    }

    @Test
    void aV2WithARequiredFieldAndNoDefaultIsRefusedWhenTheCodecIsBuilt() {
        Schema broken =
                withExtraFields(
                        V1,
                        new Schema.Field(
                                "weight", Schema.create(Schema.Type.DOUBLE), "No default.", null));

        assertThatThrownBy(() -> WireCodec.generic(broken, List.of(V1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be read as the current schema")
                .hasMessageContaining("weight");
    }

    /** The golden PairEvent with the v2 fields set to non-default values. */
    private static GenericRecord v2Record() {
        PairEvent v1 = GoldenRecords.pairEvent();
        GenericData.Record record = new GenericData.Record(V2);
        Schema item = V2.getField("left").schema();
        GenericData.Record left = new GenericData.Record(item);
        left.put("id", v1.getLeft().getId());
        left.put("features", v1.getLeft().getFeatures());
        GenericData.Record right = new GenericData.Record(item);
        right.put("id", v1.getRight().getId());
        right.put("features", v1.getRight().getFeatures());
        Schema label = V2.getField("label").schema().getTypes().get(1);
        record.put("event_id", v1.getEventId());
        record.put("model", v1.getModel());
        record.put("left", left);
        record.put("right", right);
        record.put("label", new GenericData.EnumSymbol(label, v1.getLabel().name()));
        record.put("event_time", v1.getEventTime());
        record.put("source", "camera-7");
        record.put("weight", 2.5);
        return record;
    }

    private static Schema withExtraFields(Schema base, Schema.Field... extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.addAll(List.of(extra));
        return Schema.createRecord(
                base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
