package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The committed version-1 binaries still decode, field by field, with today's code; and today's
 * code still writes the same bytes for the same values while the schema is unchanged.
 */
class GoldenFilesTest {

    @Test
    void pairEventV1DecodesFieldByField() throws WireFormatException {
        GoldenValues.pairEvent(WireCodec.forType(PairEvent.class).decode(golden("pair-event")));
    }

    @Test
    void pairScoreV1DecodesFieldByField() throws WireFormatException {
        GoldenValues.pairScore(WireCodec.forType(PairScore.class).decode(golden("pair-score")));
    }

    @Test
    void lossMetricsV1DecodesFieldByField() throws WireFormatException {
        GoldenValues.lossMetrics(
                WireCodec.forType(LossMetrics.class).decode(golden("loss-metrics")));
    }

    @Test
    void changeAlertV1DecodesFieldByField() throws WireFormatException {
        GoldenValues.changeAlert(
                WireCodec.forType(ChangeAlert.class).decode(golden("change-alert")));
    }

    @Test
    void deadLetterV1DecodesFieldByField() throws WireFormatException {
        GoldenValues.deadLetter(WireCodec.forType(DeadLetter.class).decode(golden("dead-letter")));
    }

    @Test
    void changeAlertV2DecodesToItsRecord() throws WireFormatException {
        assertThat(
                        WireCodec.forType(ChangeAlert.class)
                                .decode(TestResources.golden("change-alert", 2)))
                .isEqualTo(GoldenRecords.changeAlertV2());
    }

    @Test
    void deadLetterV2DecodesToItsRecord() throws WireFormatException {
        assertThat(
                        WireCodec.forType(DeadLetter.class)
                                .decode(TestResources.golden("dead-letter", 2)))
                .isEqualTo(GoldenRecords.deadLetterV2());
    }

    /**
     * Today's writer must reproduce the newest committed bytes of every type exactly: a changed
     * encoding of the same values is a wire change, even without a schema change. Types still at
     * version 1 compare with their v1 file; ChangeAlert and DeadLetter, at version 2 (whose
     * fingerprint, and so whose bytes, differ from v1 by design), with their v2 file.
     */
    @Test
    void currentWriterReproducesTheCommittedBytes() {
        assertThat(WireCodec.forType(PairEvent.class).encode(GoldenRecords.pairEvent()))
                .isEqualTo(golden("pair-event"));
        assertThat(WireCodec.forType(PairScore.class).encode(GoldenRecords.pairScore()))
                .isEqualTo(golden("pair-score"));
        assertThat(WireCodec.forType(LossMetrics.class).encode(GoldenRecords.lossMetrics()))
                .isEqualTo(golden("loss-metrics"));
        assertThat(WireCodec.forType(ChangeAlert.class).encode(GoldenRecords.changeAlertV2()))
                .isEqualTo(TestResources.golden("change-alert", 2));
        assertThat(WireCodec.forType(DeadLetter.class).encode(GoldenRecords.deadLetterV2()))
                .isEqualTo(TestResources.golden("dead-letter", 2));
    }

    private static byte[] golden(String kebabType) {
        return TestResources.golden(kebabType, 1);
    }
}
