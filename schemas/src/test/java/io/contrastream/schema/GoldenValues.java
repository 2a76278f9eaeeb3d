package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The field values of the committed golden records, one assertion method per wire type: the Avro
 * binaries ({@link GoldenFilesTest}) and the JSON lines ({@link JsonGoldenFilesTest}) must both
 * decode to exactly these.
 */
final class GoldenValues {

    private GoldenValues() {}

    /** The values of the golden PairEvent. */
    static void pairEvent(PairEvent event) {
        assertThat(event.getEventId()).isEqualTo("golden-pe-1");
        assertThat(event.getModel()).isEqualTo("digits");
        assertThat(event.getLeft().getId()).isEqualTo("img-17");
        assertThat(event.getLeft().getFeatures()).containsExactly(0.0f, 1.5f, -2.25f, 1024.0f);
        assertThat(event.getRight().getId()).isEqualTo("img-42");
        assertThat(event.getRight().getFeatures()).containsExactly(0.5f, -0.125f, 3.0f, 7.75f);
        assertThat(event.getLabel()).isEqualTo(PairLabel.DIFFERENT);
        assertThat(event.getEventTime()).isEqualTo(Instant.parse("2024-05-01T12:34:56.789Z"));
    }

    /** The values of the golden PairScore. */
    static void pairScore(PairScore score) {
        assertThat(score.getEventId()).isEqualTo("golden-pe-1");
        assertThat(score.getModel()).isEqualTo("digits");
        assertThat(score.getLeftId()).isEqualTo("img-17");
        assertThat(score.getRightId()).isEqualTo("img-42");
        assertThat(score.getDistance()).isEqualTo(1.25);
        assertThat(score.getSimilarity()).isEqualTo(0.375);
        assertThat(score.getLabel()).isEqualTo(PairLabel.SAME);
        assertThat(score.getLoss()).isEqualTo(0.78125);
        assertThat(score.getThreshold()).isEqualTo(0.5);
        assertThat(score.getAlert()).isTrue();
        assertThat(score.getModelVersion()).isEqualTo(12345L);
        assertThat(score.getEventTime()).isEqualTo(Instant.parse("2024-05-01T12:34:56.789Z"));
    }

    /** The values of the golden LossMetrics. */
    static void lossMetrics(LossMetrics m) {
        assertThat(m.getModel()).isEqualTo("digits");
        assertThat(m.getModelVersion()).isEqualTo(12345L);
        assertThat(m.getWindowStart()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
        assertThat(m.getWindowEnd()).isEqualTo(Instant.parse("2024-05-01T12:34:56.789Z"));
        assertThat(m.getCount()).isEqualTo(6L);
        assertThat(m.getLabelledCount()).isEqualTo(4L);
        assertThat(m.getMeanLoss()).isEqualTo(0.25);
        assertThat(m.getMeanPositiveDistance()).isEqualTo(0.5);
        assertThat(m.getMeanNegativeDistance()).isNull();
        assertThat(m.getActiveNegativeFraction()).isNull();
        assertThat(m.getAccuracy()).isEqualTo(0.75);
        assertThat(m.getPrecision()).isEqualTo(1.0);
        assertThat(m.getRecall()).isEqualTo(0.5);
        assertThat(m.getF1()).isEqualTo(2.0 / 3.0);
        assertThat(m.getRocAuc()).isNull();
        assertThat(m.getRocAucErrorBound()).isNull();
        assertThat(m.getThreshold()).isEqualTo(0.5);
        assertThat(m.getMeanGradientNorm()).isEqualTo(0.125);
        assertThat(m.getParameterNorm()).isEqualTo(12.5);
        assertThat(m.getSkippedUpdates()).isEqualTo(2L);
    }

    /** The values of the golden ChangeAlert. */
    static void changeAlert(ChangeAlert a) {
        assertThat(a.getAlertId()).isEqualTo("digits-drift-12345");
        assertThat(a.getKind()).isEqualTo(AlertKind.DRIFT);
        assertThat(a.getModel()).isEqualTo("digits");
        assertThat(a.getEventId()).isNull();
        assertThat(a.getLeftId()).isNull();
        assertThat(a.getRightId()).isNull();
        assertThat(a.getDistance()).isNull();
        assertThat(a.getThreshold()).isNull();
        assertThat(a.getModelVersion()).isEqualTo(12345L);
        assertThat(a.getEventTime()).isEqualTo(Instant.parse("2024-05-01T12:34:56.789Z"));
        assertThat(a.getDetail()).isEqualTo("Page-Hinkley statistic 12.5 > 10.0");
    }

    /** The values of the golden DeadLetter. */
    static void deadLetter(DeadLetter d) {
        assertThat(d.getReason()).isEqualTo(DeadLetterReason.DIMENSION_MISMATCH);
        assertThat(d.getMessage()).isEqualTo("features have 63 values, model 'digits' expects 64");
        assertThat(d.getSource()).isEqualTo("kafka");
        assertThat(d.getTopic()).isEqualTo("pairs");
        assertThat(d.getPartition()).isEqualTo(3);
        assertThat(d.getOffset()).isEqualTo(123456789012L);
        assertThat(d.getLine()).isNull();
        assertThat(d.getOriginal())
                .isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x00, (byte) 0xFF}));
        assertThat(d.getModel()).isEqualTo("digits");
        assertThat(d.getEventTime()).isEqualTo(Instant.parse("2024-05-01T12:35:00Z"));
    }
}
