package io.contrastream.schema;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * The records committed as golden binaries under {@code src/test/resources/golden/}, one per wire
 * type and schema version: {@code <type>-v1.bin} written with version 1 of each schema, and {@code
 * <type>-v2.bin} for the types that have a version 2 (ChangeAlert, DeadLetter), with a value only
 * version 2 can hold. Values are exact in binary (no rounding), and nullable fields are mixed
 * between set and null so that both union branches are on disk.
 *
 * <p>Changing a value here does not change the committed files; {@link GoldenFilesTest} would then
 * fail, which is the point: old bytes must keep decoding to the same values.
 */
final class GoldenRecords {

    /** Newest schema version any golden file was written with. */
    static final int VERSION = 2;

    static final Instant EVENT_TIME = Instant.parse("2024-05-01T12:34:56.789Z");

    private GoldenRecords() {}

    static PairEvent pairEvent() {
        return PairEvent.newBuilder()
                .setEventId("golden-pe-1")
                .setModel("digits")
                .setLeft(new Item("img-17", List.of(0.0f, 1.5f, -2.25f, 1024.0f)))
                .setRight(new Item("img-42", List.of(0.5f, -0.125f, 3.0f, 7.75f)))
                .setLabel(PairLabel.DIFFERENT)
                .setEventTime(EVENT_TIME)
                .build();
    }

    static PairScore pairScore() {
        return PairScore.newBuilder()
                .setEventId("golden-pe-1")
                .setModel("digits")
                .setLeftId("img-17")
                .setRightId("img-42")
                .setDistance(1.25)
                .setSimilarity(0.375)
                .setLabel(PairLabel.SAME)
                .setLoss(0.78125)
                .setThreshold(0.5)
                .setAlert(true)
                .setModelVersion(12345L)
                .setEventTime(EVENT_TIME)
                .build();
    }

    static LossMetrics lossMetrics() {
        return LossMetrics.newBuilder()
                .setModel("digits")
                .setModelVersion(12345L)
                .setWindowStart(Instant.parse("2024-05-01T12:00:00Z"))
                .setWindowEnd(EVENT_TIME)
                .setCount(6L)
                .setLabelledCount(4L)
                .setMeanLoss(0.25)
                .setMeanPositiveDistance(0.5)
                .setMeanNegativeDistance(null)
                .setActiveNegativeFraction(null)
                .setAccuracy(0.75)
                .setPrecision(1.0)
                .setRecall(0.5)
                .setF1(2.0 / 3.0)
                .setRocAuc(null)
                .setRocAucErrorBound(null)
                .setThreshold(0.5)
                .setMeanGradientNorm(0.125)
                .setParameterNorm(12.5)
                .setSkippedUpdates(2L)
                .build();
    }

    static ChangeAlert changeAlert() {
        return ChangeAlert.newBuilder()
                .setAlertId("digits-drift-12345")
                .setKind(AlertKind.DRIFT)
                .setModel("digits")
                .setEventId(null)
                .setLeftId(null)
                .setRightId(null)
                .setDistance(null)
                .setThreshold(null)
                .setModelVersion(12345L)
                .setEventTime(EVENT_TIME)
                .setDetail("Page-Hinkley statistic 12.5 > 10.0")
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason(DeadLetterReason.DIMENSION_MISMATCH)
                .setMessage("features have 63 values, model 'digits' expects 64")
                .setSource("kafka")
                .setTopic("pairs")
                .setPartition(3)
                .setOffset(123456789012L)
                .setLine(null)
                .setOriginal(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x00, (byte) 0xFF}))
                .setModel("digits")
                .setEventTime(Instant.parse("2024-05-01T12:35:00Z"))
                .build();
    }

    /** Version 2 of ChangeAlert: the UPDATES_SKIPPED kind, about a model (no pair fields). */
    static ChangeAlert changeAlertV2() {
        return ChangeAlert.newBuilder()
                .setAlertId("digits/7")
                .setKind(AlertKind.UPDATES_SKIPPED)
                .setModel("digits")
                .setEventId(null)
                .setLeftId(null)
                .setRightId(null)
                .setDistance(null)
                .setThreshold(null)
                .setModelVersion(12L)
                .setEventTime(EVENT_TIME)
                .setDetail("3 of 8 labelled updates skipped in this metrics window")
                .build();
    }

    /** Version 2 of DeadLetter: the DUPLICATE_EVENT reason. */
    static DeadLetter deadLetterV2() {
        return DeadLetter.newBuilder(deadLetter())
                .setReason(DeadLetterReason.DUPLICATE_EVENT)
                .setMessage("event_id 'golden-pe-1' was already accepted by model 'digits'")
                .build();
    }

    /** File name of a golden binary, e.g. {@code pair-event-v1.bin}. */
    static String fileName(String kebabType, int version) {
        return kebabType + "-v" + version + ".bin";
    }
}
