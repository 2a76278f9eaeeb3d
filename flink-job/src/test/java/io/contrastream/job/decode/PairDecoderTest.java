package io.contrastream.job.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.job.io.DeadLetters;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RawRecord;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import io.contrastream.schema.Item;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import io.contrastream.schema.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of the edge decoder, one reason each, on Avro bytes (and the JSON reader for a
 * label): the dead letter names the reason, keeps the original bytes and where they came from, and
 * a refused record yields no pair.
 */
class PairDecoderTest {

    private static final long NOW = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();
    private static final long AHEAD = 60_000;
    private static final SourceInfo SOURCE = SourceInfo.kafka("pairs");
    private static final WireCodec<PairEvent> CODEC = WireCodec.forType(PairEvent.class);

    private final PairDecoder decoder =
            new PairDecoder(WireFormat.AVRO, 8, AHEAD, SOURCE, JsonEvents.reader(WireFormat.AVRO));

    private static PairEvent event(UnaryOperator<PairEvent.Builder> change) {
        PairEvent.Builder b =
                PairEvent.newBuilder()
                        .setEventId("e-1")
                        .setModel("m")
                        .setLeft(new Item("a", List.of(1f, 2f, 3f)))
                        .setRight(new Item("b", List.of(1f, 2.5f, -3f)))
                        .setLabel(PairLabel.SAME)
                        .setEventTime(Instant.ofEpochMilli(NOW - 5_000));
        return change.apply(b).build();
    }

    private static RawRecord raw(byte[] bytes) {
        return new RawRecord(bytes, 3, 42L);
    }

    private DeadLetter refused(byte[] bytes, DeadLetterReason reason) {
        PairRecord pair = decoder.decode(raw(bytes), NOW);
        assertThat(pair).as("a pair from a record refused as %s", reason).isNull();
        DeadLetter dl = decoder.deadLetter();
        assertThat(dl.getReason()).isEqualTo(reason);
        assertThat(dl.getPartition()).isEqualTo(3);
        assertThat(dl.getOffset()).isEqualTo(42L);
        assertThat(dl.getTopic()).isEqualTo("pairs");
        assertThat(dl.getOriginal()).isEqualTo(ByteBuffer.wrap(bytes));
        return dl;
    }

    private DeadLetter refused(PairEvent e, DeadLetterReason reason) {
        return refused(CODEC.encode(e), reason);
    }

    @Test
    void aValidEventBecomesAPairWithItsValues() {
        PairRecord pair = decoder.decode(raw(CODEC.encode(event(b -> b))), NOW);

        assertThat(pair).isNotNull();
        assertThat(decoder.deadLetter()).isNull();
        assertThat(pair.eventId()).isEqualTo("e-1");
        assertThat(pair.model()).isEqualTo("m");
        assertThat(pair.left()).containsExactly(1f, 2f, 3f);
        assertThat(pair.right()).containsExactly(1f, 2.5f, -3f);
        assertThat(pair.label()).isEqualTo(io.contrastream.loss.PairLabel.SAME);
        assertThat(pair.eventTime()).isEqualTo(NOW - 5_000);
    }

    @Test
    void bytesThatAreNoEventAreUndecodableOrOfAnUnknownSchema() {
        byte[] good = CODEC.encode(event(b -> b));
        refused(Arrays.copyOf(good, good.length - 3), DeadLetterReason.UNDECODABLE);
        refused(new byte[0], DeadLetterReason.UNDECODABLE);
        refused("not avro at all".getBytes(StandardCharsets.UTF_8), DeadLetterReason.UNDECODABLE);
        byte[] metrics =
                WireCodec.forType(LossMetrics.class)
                        .encode(
                                LossMetrics.newBuilder()
                                        .setModel("m")
                                        .setModelVersion(1)
                                        .setWindowStart(Instant.EPOCH)
                                        .setWindowEnd(Instant.EPOCH)
                                        .setCount(0)
                                        .setLabelledCount(0)
                                        .setThreshold(1)
                                        .setParameterNorm(1)
                                        .setSkippedUpdates(0)
                                        .build());
        refused(metrics, DeadLetterReason.UNKNOWN_SCHEMA);
    }

    @Test
    void emptyNamesAreRefused() {
        refused(event(b -> b.setModel(" ")), DeadLetterReason.EMPTY_MODEL);
        refused(event(b -> b.setEventId("")), DeadLetterReason.EMPTY_ID);
        DeadLetter item =
                refused(
                        event(b -> b.setRight(new Item("", List.of(1f, 2f, 3f)))),
                        DeadLetterReason.EMPTY_ID);
        assertThat(item.getMessage()).isEqualTo("right.id is empty");
    }

    @Test
    void featuresAreCheckedForCountShapeAndFiniteness() {
        refused(event(b -> b.setLeft(new Item("a", List.of()))), DeadLetterReason.EMPTY_FEATURES);
        List<Float> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add((float) i);
        }
        DeadLetter tooMany =
                refused(
                        event(b -> b.setLeft(new Item("a", nine)).setRight(new Item("b", nine))),
                        DeadLetterReason.TOO_MANY_FEATURES);
        assertThat(tooMany.getMessage()).contains("9 values").contains("max-features 8");
        refused(
                event(b -> b.setRight(new Item("b", List.of(1f, 2f)))),
                DeadLetterReason.LEFT_RIGHT_DIMENSION_MISMATCH);
        DeadLetter nan =
                refused(
                        event(b -> b.setRight(new Item("b", List.of(1f, Float.NaN, 3f)))),
                        DeadLetterReason.NON_FINITE_FEATURE);
        assertThat(nan.getMessage()).contains("right").contains("index 1");
        refused(
                event(b -> b.setLeft(new Item("a", List.of(Float.NEGATIVE_INFINITY, 2f, 3f)))),
                DeadLetterReason.NON_FINITE_FEATURE);
    }

    @Test
    void eventTimesBefore1970OrTooFarAheadOfTheClockAreRefused() {
        refused(
                event(b -> b.setEventTime(Instant.ofEpochMilli(-1))),
                DeadLetterReason.BAD_TIMESTAMP);
        DeadLetter future =
                refused(
                        event(b -> b.setEventTime(Instant.ofEpochMilli(NOW + AHEAD + 1))),
                        DeadLetterReason.BAD_TIMESTAMP);
        assertThat(future.getMessage()).contains("ahead").contains("max-event-time-ahead 60000");
        refused(
                event(b -> b.setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE))),
                DeadLetterReason.BAD_TIMESTAMP);

        assertThat(
                        decoder.decode(
                                raw(
                                        CODEC.encode(
                                                event(
                                                        b ->
                                                                b.setEventTime(
                                                                        Instant.ofEpochMilli(
                                                                                NOW + AHEAD))))),
                                NOW))
                .as("exactly at the bound")
                .isNotNull();
        assertThat(
                        decoder.decode(
                                raw(CODEC.encode(event(b -> b.setEventTime(Instant.EPOCH)))), NOW))
                .as("long ago, but after 1970: an archive replayed")
                .isNotNull();
    }

    @Test
    void anUnknownLabelInJsonIsItsOwnReason() {
        PairDecoder json =
                new PairDecoder(
                        WireFormat.JSON, 8, AHEAD, SOURCE, JsonEvents.reader(WireFormat.JSON));
        String line =
                "{\"event_id\":\"e\",\"model\":\"m\",\"left\":{\"id\":\"a\",\"features\":[1]},"
                        + "\"right\":{\"id\":\"b\",\"features\":[2]},\"label\":\"MAYBE\","
                        + "\"event_time\":"
                        + NOW
                        + "}";

        assertThat(json.decode(raw(line.getBytes(StandardCharsets.UTF_8)), NOW)).isNull();
        assertThat(json.deadLetter().getReason()).isEqualTo(DeadLetterReason.UNKNOWN_LABEL);
    }

    @Test
    void aHugeRecordIsDeadLetteredWithItsFirstBytesAndSaysItWasCut() {
        List<Float> huge = new ArrayList<>(100_000);
        for (int i = 0; i < 100_000; i++) {
            huge.add((float) i);
        }
        byte[] bytes =
                CODEC.encode(
                        event(b -> b.setLeft(new Item("a", huge)).setRight(new Item("b", huge))));
        assertThat(bytes.length).isGreaterThan(DeadLetters.MAX_ORIGINAL_BYTES);

        assertThat(decoder.decode(raw(bytes), NOW)).isNull();
        DeadLetter dl = decoder.deadLetter();
        assertThat(dl.getReason()).isEqualTo(DeadLetterReason.TOO_MANY_FEATURES);
        assertThat(dl.getMessage())
                .startsWith("features have 100000 values, more than max-features 8")
                .endsWith(
                        "(original cut to its first "
                                + DeadLetters.MAX_ORIGINAL_BYTES
                                + " of "
                                + bytes.length
                                + " bytes)");
        assertThat(dl.getOriginal())
                .isEqualTo(ByteBuffer.wrap(Arrays.copyOf(bytes, DeadLetters.MAX_ORIGINAL_BYTES)));
    }

    @Test
    void badLimitsFailFastNamingTheSetting() {
        assertThatThrownBy(() -> new PairDecoder(WireFormat.AVRO, 0, AHEAD, SOURCE, null))
                .hasMessageContaining("max-features");
        assertThatThrownBy(() -> new PairDecoder(WireFormat.AVRO, 8, -1, SOURCE, null))
                .hasMessageContaining("max-event-time-ahead");
    }
}
