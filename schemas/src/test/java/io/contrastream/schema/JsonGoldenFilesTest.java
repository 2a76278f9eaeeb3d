package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The committed JSON lines under {@code src/test/resources/golden/*.json} (written by hand, one per
 * wire type, holding the values of {@link GoldenRecords}) decode field by field to literal values;
 * today's encoder writes exactly those lines; and the decoded records are the ones of the committed
 * Avro binaries, byte for byte once re-encoded with {@link WireCodec}.
 */
class JsonGoldenFilesTest {

    @Test
    void pairEventDecodesFieldByField() throws WireFormatException {
        GoldenValues.pairEvent(JsonCodec.forType(PairEvent.class).decode(golden("pair-event")));
    }

    @Test
    void pairScoreDecodesFieldByField() throws WireFormatException {
        GoldenValues.pairScore(JsonCodec.forType(PairScore.class).decode(golden("pair-score")));
    }

    @Test
    void lossMetricsDecodesFieldByField() throws WireFormatException {
        GoldenValues.lossMetrics(
                JsonCodec.forType(LossMetrics.class).decode(golden("loss-metrics")));
    }

    @Test
    void changeAlertDecodesFieldByField() throws WireFormatException {
        GoldenValues.changeAlert(
                JsonCodec.forType(ChangeAlert.class).decode(golden("change-alert")));
    }

    @Test
    void deadLetterDecodesFieldByField() throws WireFormatException {
        GoldenValues.deadLetter(JsonCodec.forType(DeadLetter.class).decode(golden("dead-letter")));
    }

    @Test
    void encoderWritesTheGoldenLines() throws WireFormatException {
        assertWritesGoldenLine(PairEvent.class, "pair-event");
        assertWritesGoldenLine(PairScore.class, "pair-score");
        assertWritesGoldenLine(LossMetrics.class, "loss-metrics");
        assertWritesGoldenLine(ChangeAlert.class, "change-alert");
        assertWritesGoldenLine(DeadLetter.class, "dead-letter");
    }

    @Test
    void goldenLinesHoldTheRecordsOfTheGoldenAvroBinaries() throws WireFormatException {
        assertSameAsAvroGolden(PairEvent.class, "pair-event", GoldenRecords.pairEvent());
        assertSameAsAvroGolden(PairScore.class, "pair-score", GoldenRecords.pairScore());
        assertSameAsAvroGolden(LossMetrics.class, "loss-metrics", GoldenRecords.lossMetrics());
        assertSameAsAvroGolden(ChangeAlert.class, "change-alert", GoldenRecords.changeAlert());
        assertSameAsAvroGolden(DeadLetter.class, "dead-letter", GoldenRecords.deadLetter());
    }

    private static <T extends SpecificRecord> void assertWritesGoldenLine(
            Class<T> type, String kebabType) throws WireFormatException {
        JsonCodec<T> codec = JsonCodec.forType(type);
        String line = new String(golden(kebabType), StandardCharsets.UTF_8).strip();

        assertThat(codec.encodeToString(codec.decode(golden(kebabType)))).isEqualTo(line);
    }

    private static <T extends SpecificRecord> void assertSameAsAvroGolden(
            Class<T> type, String kebabType, T expected) throws WireFormatException {
        T decoded = JsonCodec.forType(type).decode(golden(kebabType));

        assertThat(decoded).isEqualTo(expected);
        // The JSON lines hold the version 1 records: the same values as the v1 Avro binaries.
        assertThat(decoded)
                .isEqualTo(WireCodec.forType(type).decode(TestResources.golden(kebabType, 1)));
    }

    private static byte[] golden(String kebabType) {
        return TestResources.bytes("golden/" + kebabType + ".json");
    }
}
