package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Round trips of every type through JSON (and across to Avro), the exact text written, what the
 * decoder tolerates (absent nullable fields, unknown fields, any field order) and every way it
 * refuses input, with the reason and the message.
 */
class JsonCodecTest {

    private static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

    private final JsonCodec<PairEvent> events = JsonCodec.forType(PairEvent.class);

    // ---------------------------------------------------------------- round trips

    @Test
    void pairEventRoundTripsWithNonFiniteFeaturesUnicodeAndEmptyArrays() throws Exception {
        PairEvent labelled =
                event(
                        "é-1 \"quoted\"\n\t\\ 模型 😀",
                        new Item(
                                "a\u0000b",
                                floats(
                                        Float.NaN,
                                        Float.POSITIVE_INFINITY,
                                        Float.NEGATIVE_INFINITY,
                                        -0.0f,
                                        Float.MIN_VALUE,
                                        Float.MAX_VALUE,
                                        0.1f)),
                        new Item("", List.of()),
                        PairLabel.SAME);
        PairEvent unlabelled = event("e2", item("a", 1f), item("b", 2f), null);

        assertRoundTrips(PairEvent.class, labelled);
        assertRoundTrips(PairEvent.class, unlabelled);
    }

    @Test
    void pairScoreRoundTrips() throws Exception {
        PairScore all =
                PairScore.newBuilder()
                        .setEventId("e1")
                        .setModel("m")
                        .setLeftId("a")
                        .setRightId("b")
                        .setDistance(Double.MIN_VALUE)
                        .setSimilarity(-1.0)
                        .setLabel(PairLabel.DIFFERENT)
                        .setLoss(Double.NaN)
                        .setThreshold(Double.POSITIVE_INFINITY)
                        .setAlert(false)
                        .setModelVersion(Long.MAX_VALUE)
                        .setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE))
                        .build();
        PairScore nulls =
                PairScore.newBuilder(all)
                        .setSimilarity(null)
                        .setLabel(null)
                        .setLoss(null)
                        .setThreshold(0.1 + 0.2)
                        .build();

        assertRoundTrips(PairScore.class, all);
        assertRoundTrips(PairScore.class, nulls);
    }

    @Test
    void lossMetricsRoundTrips() throws Exception {
        LossMetrics m =
                LossMetrics.newBuilder(GoldenRecords.lossMetrics())
                        .setMeanLoss(Double.NEGATIVE_INFINITY)
                        .setF1(1e-300)
                        .setRocAuc(Double.MAX_VALUE)
                        .setParameterNorm(-0.0)
                        .build();

        assertRoundTrips(LossMetrics.class, m);
        assertRoundTrips(LossMetrics.class, GoldenRecords.lossMetrics());
    }

    @Test
    void changeAlertRoundTrips() throws Exception {
        ChangeAlert pairAlert =
                ChangeAlert.newBuilder()
                        .setAlertId("a-1")
                        .setKind(AlertKind.CHANGE)
                        .setModel("m")
                        .setEventId("e1")
                        .setLeftId("ä")
                        .setRightId("b")
                        .setDistance(3.5)
                        .setThreshold(Double.NaN)
                        .setModelVersion(0L)
                        .setEventTime(T)
                        .setDetail("")
                        .build();

        assertRoundTrips(ChangeAlert.class, pairAlert);
        assertRoundTrips(ChangeAlert.class, GoldenRecords.changeAlert());
    }

    @Test
    void deadLetterRoundTripsEveryByteValue() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        DeadLetter full =
                DeadLetter.newBuilder(GoldenRecords.deadLetter())
                        .setOriginal(ByteBuffer.wrap(all))
                        .setPartition(Integer.MIN_VALUE)
                        .setLine(1L)
                        .build();
        DeadLetter sparse =
                DeadLetter.newBuilder()
                        .setReason(DeadLetterReason.UNDECODABLE)
                        .setMessage("not JSON")
                        .setSource("file")
                        .setOriginal(ByteBuffer.wrap(new byte[0]))
                        .build();

        assertRoundTrips(DeadLetter.class, full);
        assertRoundTrips(DeadLetter.class, sparse);
    }

    @Test
    void encodingLeavesTheBytesBufferUntouchedAndWritesFromItsPosition() {
        ByteBuffer original = ByteBuffer.wrap(new byte[] {9, 'h', 'i'});
        original.position(1);
        DeadLetter letter =
                DeadLetter.newBuilder(GoldenRecords.deadLetter()).setOriginal(original).build();

        String json = JsonCodec.forType(DeadLetter.class).encodeToString(letter);

        assertThat(json).contains("\"original\":\"aGk=\""); // "hi"
        assertThat(original.position()).isEqualTo(1);
    }

    /** JSON to JSON, and the JSON round trip read back by the Avro codec: the same bytes. */
    private static <T extends SpecificRecord> void assertRoundTrips(Class<T> type, T record)
            throws WireFormatException {
        JsonCodec<T> json = JsonCodec.forType(type);
        byte[] line = json.encode(record);

        T decoded = json.decode(line);

        assertThat(decoded).isEqualTo(record);
        assertThat(json.decode(new String(line, StandardCharsets.UTF_8))).isEqualTo(record);
        assertThat(json.encode(decoded)).isEqualTo(line);
        assertThat(line).doesNotContain((byte) '\n', (byte) '\r');
        WireCodec<T> avro = WireCodec.forType(type);
        assertThat(avro.encode(decoded)).isEqualTo(avro.encode(record));
    }

    // ---------------------------------------------------------------- text written

    @Test
    void writesTheLineAPersonWouldWrite() {
        PairEvent e = event("e1", item("a", 0.5f, 1.0f), item("b", 0.25f, -1.0f), PairLabel.SAME);

        assertThat(events.encodeToString(e))
                .isEqualTo(
                        "{\"event_id\":\"e1\",\"model\":\"m\","
                                + "\"left\":{\"id\":\"a\",\"features\":[0.5,1.0]},"
                                + "\"right\":{\"id\":\"b\",\"features\":[0.25,-1.0]},"
                                + "\"label\":\"SAME\",\"event_time\":1700000000000}");
    }

    @Test
    void writesNullsExplicitlyAndFloatsInTheirShortestForm() {
        PairEvent e =
                event(
                        "e1",
                        item("a", 0.1f, 1.0E-5f, 1.0E10f, -0.0f, 16777216f, Float.MIN_VALUE),
                        item("b", Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY),
                        null);

        assertThat(events.encodeToString(e))
                .contains("\"features\":[0.1,1.0E-5,1.0E10,-0.0,1.6777216E7,1.4E-45]")
                .contains("\"features\":[\"NaN\",\"Infinity\",\"-Infinity\"]")
                .contains("\"label\":null");
    }

    @Test
    void writesUnicodeAsUtf8AndEscapesWhatJsonNeedsAndCharactersBeyondTheBmp() {
        PairEvent e = event("ü😀\"\\\n/", item("a", 1f), item("b", 1f), null);

        assertThat(events.encodeToString(e))
                .startsWith("{\"event_id\":\"ü\\uD83D\\uDE00\\\"\\\\\\n/\",");
    }

    @Test
    void aLoneSurrogateInAStringIsEscapedAndReadBack() throws WireFormatException {
        PairEvent e = event("broken \uD800 half", item("a", 1f), item("b", 1f), null);

        String json = events.encodeToString(e);

        assertThat(json).startsWith("{\"event_id\":\"broken \\uD800 half\",");
        assertThat(events.decode(json).getEventId()).isEqualTo("broken \uD800 half");
    }

    @Test
    void refusesToEncodeARecordMissingARequiredValue() {
        PairEvent incomplete = new PairEvent(); // no builder: nothing checks the fields

        assertThatThrownBy(() -> events.encode(incomplete))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event_id must be a string, is null");
    }

    // ---------------------------------------------------------------- tolerated input

    @Test
    void readsTheLineAPersonWouldWrite() throws WireFormatException {
        PairEvent e =
                events.decode(
                        "{\"event_id\":\"e1\",\"model\":\"m\","
                                + "\"left\":{\"id\":\"a\",\"features\":[0.5,1.0]},"
                                + "\"right\":{\"id\":\"b\",\"features\":[0.25,-1]},"
                                + "\"label\":\"SAME\",\"event_time\":1700000000000}");

        assertThat(e)
                .isEqualTo(event("e1", item("a", 0.5f, 1f), item("b", 0.25f, -1f), PairLabel.SAME));
    }

    @Test
    void labelMayBeNullOrAbsent() throws WireFormatException {
        PairEvent withNull = events.decode(pairEventJson("\"label\":null,"));
        PairEvent absent = events.decode(pairEventJson(""));

        assertThat(withNull.getLabel()).isNull();
        assertThat(absent.getLabel()).isNull();
        assertThat(absent).isEqualTo(withNull);
    }

    @Test
    void unknownFieldsAreSkippedWhateverTheirValue() throws WireFormatException {
        PairEvent e =
                events.decode(
                        pairEventJson(
                                "\"weight\":0.5,\"source\":{\"a\":[1,{\"b\":null}],\"label\":7},"
                                        + "\"tags\":[\"x\",[]],\"flag\":true,\"none\":null,"
                                        + "\"label\":\"DIFFERENT\","));

        assertThat(e.getLabel()).isEqualTo(PairLabel.DIFFERENT);
        assertThat(e.getLeft().getFeatures()).containsExactly(1f, 2f);
    }

    @Test
    void fieldsMayComeInAnyOrderAndWhitespaceAroundIsFine() throws WireFormatException {
        PairEvent e =
                events.decode(
                        " \n{ \"event_time\" : 5 , \"right\" : { \"features\" : [ ] , \"id\" :"
                                + " \"b\" } , \"label\" : \"SAME\" , \"left\" : {\"features\":[3],"
                                + "\"id\":\"a\"}, \"model\":\"m\", \"event_id\":\"e\" }\r\n");

        assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochMilli(5));
        assertThat(e.getRight().getFeatures()).isEmpty();
        assertThat(e.getLeft().getFeatures()).containsExactly(3f);
        assertThat(e.getLabel()).isEqualTo(PairLabel.SAME);
    }

    @Test
    void nonFiniteStringsAreReadForFloatsAndDoubles() throws WireFormatException {
        PairEvent e =
                events.decode(
                        "{\"event_id\":\"e\",\"model\":\"m\","
                                + "\"left\":{\"id\":\"a\",\"features\":[\"NaN\",\"Infinity\"]},"
                                + "\"right\":{\"id\":\"b\",\"features\":[\"-Infinity\",1e39]},"
                                + "\"event_time\":0}");
        PairScore s =
                JsonCodec.forType(PairScore.class)
                        .decode(
                                "{\"event_id\":\"e\",\"model\":\"m\",\"left_id\":\"a\","
                                        + "\"right_id\":\"b\",\"distance\":\"NaN\","
                                        + "\"loss\":\"-Infinity\",\"threshold\":1,"
                                        + "\"alert\":false,\"model_version\":0,\"event_time\":0}");

        assertThat(e.getLeft().getFeatures()).containsExactly(Float.NaN, Float.POSITIVE_INFINITY);
        // A finite number beyond the float range reads as an infinity, for validation to refuse.
        assertThat(e.getRight().getFeatures())
                .containsExactly(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        assertThat(s.getDistance()).isNaN();
        assertThat(s.getLoss()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.getThreshold()).isEqualTo(1.0);
        assertThat(s.getSimilarity()).isNull();
    }

    @Test
    void floatsAreRoundedOnceFromTheDecimalText() throws WireFormatException {
        // Halfway between two floats in binary would round twice through a double; here it must
        // read as Float.parseFloat reads it.
        String text = "1.00000005960464477539062500000000001";

        PairEvent e = events.decode(pairEventJson("").replace("[1,2]", "[" + text + "]"));

        assertThat(e.getLeft().getFeatures()).containsExactly(Float.parseFloat(text));
    }

    @Test
    void anUnknownDeadLetterReasonReadsAsTheEnumDefault() throws WireFormatException {
        String line =
                new String(TestResources.bytes("golden/dead-letter.json"), StandardCharsets.UTF_8)
                        .replace("DIMENSION_MISMATCH", "REASON_FROM_THE_FUTURE");

        DeadLetter d = JsonCodec.forType(DeadLetter.class).decode(line);

        assertThat(d.getReason()).isEqualTo(DeadLetterReason.OTHER);
    }

    // ---------------------------------------------------------------- refused input

    @Test
    void aMissingRequiredFieldIsNamedByItsPath() {
        assertRefused(
                "{\"event_id\":\"e\",\"model\":\"m\",\"left\":{\"id\":\"a\"},"
                        + "\"right\":{\"id\":\"b\",\"features\":[1]},\"event_time\":0}",
                DeadLetterReason.MISSING_FIELD,
                "PairEvent JSON: missing field left.features");
        assertRefused(
                pairEventJson("").replace("\"model\":\"m\",", ""),
                DeadLetterReason.MISSING_FIELD,
                "PairEvent JSON: missing field model");
    }

    @Test
    void aValueOfTheWrongJsonTypeNamesTheFieldAndWhatWasFound() {
        assertRefused(
                pairEventJson("").replace("\"model\":\"m\"", "\"model\":5"),
                DeadLetterReason.UNDECODABLE,
                "model: expected a string, found the number 5");
        assertRefused(
                pairEventJson("").replace("\"model\":\"m\"", "\"model\":null"),
                DeadLetterReason.UNDECODABLE,
                "model: expected a string, found null");
        assertRefused(
                pairEventJson("").replace("[1,2]", "[1,\"two\"]"),
                DeadLetterReason.UNDECODABLE,
                "left.features[1]: expected a float (a JSON number, \"NaN\", \"Infinity\" or"
                        + " \"-Infinity\"), found the string \"two\"");
        assertRefused(
                pairEventJson("").replace("[1,2]", "{\"0\":1}"),
                DeadLetterReason.UNDECODABLE,
                "left.features: expected a JSON array, found an object");
        assertRefused(
                pairEventJson("").replace("[1,2]", "[\"nan\"]"),
                DeadLetterReason.UNDECODABLE,
                "found the string \"nan\"");
        assertRefused(
                pairEventJson("\"label\":[\"SAME\"],"),
                DeadLetterReason.UNDECODABLE,
                "label: expected a PairLabel, found an array");
    }

    @Test
    void aTimestampMustBeEpochMillisecondsAsAnInteger() {
        assertRefused(
                pairEventJson("").replace("1700000000000", "\"2023-11-14T22:13:20Z\""),
                DeadLetterReason.BAD_TIMESTAMP,
                "PairEvent JSON: event_time: expected milliseconds since the Unix epoch as a JSON"
                        + " integer (e.g. 1700000000000), found the string"
                        + " \"2023-11-14T22:13:20Z\"; date strings are not accepted");
        assertRefused(
                pairEventJson("").replace("1700000000000", "1700000000000.5"),
                DeadLetterReason.BAD_TIMESTAMP,
                "event_time: expected milliseconds since the Unix epoch as a JSON integer"
                        + " (e.g. 1700000000000), found the number 1700000000000.5");
        assertRefused(
                pairEventJson("").replace("1700000000000", "9223372036854775808"),
                DeadLetterReason.BAD_TIMESTAMP,
                "found the number 9223372036854775808");
        assertRefused(
                pairEventJson("").replace("1700000000000", "true"),
                DeadLetterReason.UNDECODABLE,
                "event_time: expected milliseconds since the Unix epoch as a JSON integer,"
                        + " found true");
    }

    @Test
    void integersMustBeIntegersInRange() {
        String letter =
                new String(TestResources.bytes("golden/dead-letter.json"), StandardCharsets.UTF_8);
        JsonCodec<DeadLetter> letters = JsonCodec.forType(DeadLetter.class);

        assertRefused(
                letters,
                letter.replace("\"partition\":3", "\"partition\":2147483648"),
                DeadLetterReason.UNDECODABLE,
                "DeadLetter JSON: partition: integer 2147483648 is out of the int range");
        assertRefused(
                letters,
                letter.replace("\"offset\":123456789012", "\"offset\":1e3"),
                DeadLetterReason.UNDECODABLE,
                "offset: expected an integer, found the number 1e3");
        assertRefused(
                letters,
                letter.replace("\"offset\":123456789012", "\"offset\":99999999999999999999"),
                DeadLetterReason.UNDECODABLE,
                "offset: integer 99999999999999999999 is out of the long range");
        assertRefused(
                letters,
                letter.replace("wwEA/w==", "not base64!"),
                DeadLetterReason.UNDECODABLE,
                "original: expected a base64 string, found the string \"not base64!\"");
    }

    @Test
    void anUnknownLabelNamesTheValueAndTheSymbols() {
        assertRefused(
                pairEventJson("\"label\":\"same\","),
                DeadLetterReason.UNKNOWN_LABEL,
                "PairEvent JSON: label: unknown PairLabel \"same\", expected one of SAME,"
                        + " DIFFERENT");
        assertRefused(
                JsonCodec.forType(PairScore.class),
                new String(TestResources.bytes("golden/pair-score.json"), StandardCharsets.UTF_8)
                        .replace("\"SAME\"", "\"MAYBE\""),
                DeadLetterReason.UNKNOWN_LABEL,
                "PairScore JSON: label: unknown PairLabel \"MAYBE\"");
    }

    @Test
    void anUnknownAlertKindReadsAsOtherSinceVersion2() throws WireFormatException {
        ChangeAlert alert =
                JsonCodec.forType(ChangeAlert.class)
                        .decode(
                                new String(
                                                TestResources.bytes("golden/change-alert.json"),
                                                StandardCharsets.UTF_8)
                                        .replace("\"DRIFT\"", "\"FROM_THE_FUTURE\"")
                                        .getBytes(StandardCharsets.UTF_8));

        assertThat(alert.getKind()).isEqualTo(AlertKind.OTHER);
        assertThat(alert.getModel()).isEqualTo("digits");
    }

    @Test
    void whatIsNotOneJsonObjectIsUndecodable() {
        assertRefused("", DeadLetterReason.UNDECODABLE, "empty input, expected a JSON object");
        assertRefused(" \n", DeadLetterReason.UNDECODABLE, "empty input");
        assertRefused("hello", DeadLetterReason.UNDECODABLE, "not a valid JSON object");
        assertRefused(
                "[1,2]", DeadLetterReason.UNDECODABLE, "expected a JSON object, found an array");
        assertRefused("\"e1\"", DeadLetterReason.UNDECODABLE, "found the string \"e1\"");
        assertRefused("null", DeadLetterReason.UNDECODABLE, "expected a JSON object, found null");
        assertRefused(
                pairEventJson("") + " x",
                DeadLetterReason.UNDECODABLE,
                "not a valid JSON object: Unrecognized token 'x'");
        assertRefused(
                pairEventJson("") + pairEventJson(""),
                DeadLetterReason.UNDECODABLE,
                "trailing content after the JSON object: an object at line 1, column");
        assertRefused(
                pairEventJson("").substring(0, 40),
                DeadLetterReason.UNDECODABLE,
                "not a valid JSON object: Unexpected end-of-input");
        assertRefused(
                pairEventJson("\"model\":\"again\","),
                DeadLetterReason.UNDECODABLE,
                "PairEvent JSON: model: field given twice");
        assertRefused(
                "{\"event_id\":'e'}", DeadLetterReason.UNDECODABLE, "not a valid JSON object");
        assertRefused(
                "{\"event_id\":\"e\",}", DeadLetterReason.UNDECODABLE, "not a valid JSON object");
    }

    @Test
    void invalidUtf8IsUndecodable() {
        byte[] line = pairEventJson("").getBytes(StandardCharsets.UTF_8);
        int at = new String(line, StandardCharsets.UTF_8).indexOf("\"m\"") + 1;
        line[at] = (byte) 0xC3; // a lead byte followed by '"', not a continuation byte

        WireFormatException e =
                catchThrowableOfType(WireFormatException.class, () -> events.decode(line));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(e.getMessage()).contains("not a valid JSON object", "UTF-8");
    }

    @Test
    void nullInputIsUndecodable() {
        assertThatThrownBy(() -> events.decode((byte[]) null))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("null message");
        assertThatThrownBy(() -> events.decode((String) null))
                .isInstanceOf(WireFormatException.class)
                .hasMessage("null message");
    }

    // ---------------------------------------------------------------- hostile input

    @Test
    void deepNestingInAnUnknownFieldIsRefusedWithoutAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        assertRefused(
                pairEventJson("\"junk\":" + deep + ","),
                DeadLetterReason.UNDECODABLE,
                "nesting depth");
    }

    @Test
    void aHugeNumberIsRefusedBeforeItIsParsed() {
        assertRefused(
                pairEventJson("").replace("[1,2]", "[1" + "0".repeat(5_000) + "]"),
                DeadLetterReason.UNDECODABLE,
                "Number value length");
    }

    @Test
    void aLongFeatureArrayDecodesUnboxed() throws WireFormatException {
        int n = 1_000_000;
        String features = "0," + "1,".repeat(n - 2) + "2";

        PairEvent e = events.decode(pairEventJson("").replace("[1,2]", "[" + features + "]"));

        assertThat(e.getLeft().getFeatures()).hasSize(n);
        assertThat(e.getLeft().getFeatures().get(n - 1)).isEqualTo(2f);
        assertThat(e.getLeft().getFeatures().getClass().getName()).contains("FloatArray");
    }

    @Test
    void randomCorruptionsRaiseOnlyWireFormatException() {
        Random random = new Random(20240501L);
        List<byte[]> lines = new ArrayList<>();
        for (String name :
                List.of(
                        "pair-event",
                        "pair-score",
                        "loss-metrics",
                        "change-alert",
                        "dead-letter")) {
            lines.add(TestResources.bytes("golden/" + name + ".json"));
        }
        List<JsonCodec<?>> codecs =
                List.of(
                        events,
                        JsonCodec.forType(PairScore.class),
                        JsonCodec.forType(LossMetrics.class),
                        JsonCodec.forType(ChangeAlert.class),
                        JsonCodec.forType(DeadLetter.class));
        byte[] alphabet =
                "{}[]\",:0123456789.eE-+ntfalsrueNIy\\u \n\u00ff"
                        .getBytes(StandardCharsets.ISO_8859_1);
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            int type = random.nextInt(lines.size());
            byte[] line = corrupt(lines.get(type), random, alphabet);
            try {
                codecs.get(type).decode(line);
                decoded++;
            } catch (WireFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
            } catch (RuntimeException | Error e) {
                throw new AssertionError(
                        "decode threw " + e + " for " + new String(line, StandardCharsets.UTF_8),
                        e);
            }
        }
        assertThat(decoded).isGreaterThan(0).isLessThan(20_000);
    }

    private static byte[] corrupt(byte[] line, Random random, byte[] alphabet) {
        byte[] out = line;
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0: // replace a byte
                    out = out.clone();
                    out[at] = alphabet[random.nextInt(alphabet.length)];
                    break;
                case 1: // truncate
                    out = Arrays.copyOf(out, at);
                    break;
                case 2: // delete a byte
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                    break;
                default: // insert a byte
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = alphabet[random.nextInt(alphabet.length)];
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                    break;
            }
            if (out.length == 0) {
                return out;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private void assertRefused(String json, DeadLetterReason reason, String messagePart) {
        assertRefused(events, json, reason, messagePart);
    }

    private static void assertRefused(
            JsonCodec<?> codec, String json, DeadLetterReason reason, String messagePart) {
        WireFormatException e =
                catchThrowableOfType(WireFormatException.class, () -> codec.decode(json));

        assertThat(e)
                .as("decoding %s", json.length() > 200 ? json.substring(0, 200) : json)
                .isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(messagePart);
    }

    /** A valid PairEvent line, with {@code extra} inserted just before {@code event_time}. */
    private static String pairEventJson(String extra) {
        return "{\"event_id\":\"e1\",\"model\":\"m\",\"left\":{\"id\":\"a\",\"features\":[1,2]},"
                + "\"right\":{\"id\":\"b\",\"features\":[3,4]},"
                + extra
                + "\"event_time\":1700000000000}";
    }

    private static PairEvent event(String id, Item left, Item right, PairLabel label) {
        return PairEvent.newBuilder()
                .setEventId(id)
                .setModel("m")
                .setLeft(left)
                .setRight(right)
                .setLabel(label)
                .setEventTime(T)
                .build();
    }

    private static Item item(String id, float... features) {
        return new Item(id, floats(features));
    }

    private static List<Float> floats(float... values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
