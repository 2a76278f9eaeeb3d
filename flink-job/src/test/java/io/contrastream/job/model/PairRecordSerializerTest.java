package io.contrastream.job.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.PairLabel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Round trips, the wire bytes against a plain writer of the documented layout (Flink's own {@code
 * writeUTF} / {@code writeInt} / {@code writeFloat}), edge cases of strings and floats, and the
 * serializer snapshot against one written by the earlier (singleton) serializer.
 */
class PairRecordSerializerTest {

    private final PairRecordSerializer serializer = new PairRecordSerializer();

    private static PairRecord record(int dim, PairLabel label, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[dim];
        float[] b = new float[dim];
        for (int k = 0; k < dim; k++) {
            a[k] = (float) random.nextGaussian();
            b[k] = (float) (random.nextGaussian() * 1e30);
        }
        if (dim > 2) {
            a[0] = -0.0f;
            a[1] = Float.MIN_VALUE;
            b[2] = Float.MAX_VALUE;
        }
        return new PairRecord("e1", "north", "l", a, "r", b, label, 1_700_000_000_000L, 3, 42L);
    }

    private static PairRecord withIds(String eventId, String model, String left, String right) {
        return new PairRecord(
                eventId,
                model,
                left,
                new float[] {1f, 2f},
                right,
                new float[] {3f, 4f},
                PairLabel.SAME,
                7L,
                PairRecord.NO_PARTITION,
                9L);
    }

    /** The layout written field by field with DataOutput's own methods: the reference. */
    private static byte[] plain(PairRecord r) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF(r.eventId());
        out.writeUTF(r.model());
        out.writeUTF(r.leftId());
        out.writeUTF(r.rightId());
        for (float[] v : new float[][] {r.left(), r.right()}) {
            out.writeInt(v.length);
            for (float x : v) {
                out.writeFloat(x);
            }
        }
        PairLabel label = r.label();
        out.writeByte(label == null ? 0 : label == PairLabel.SAME ? 1 : 2);
        out.writeLong(r.eventTime());
        out.writeInt(r.partition());
        out.writeLong(r.position());
        return out.getCopyOfBuffer();
    }

    private byte[] bytes(PairRecord r) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(r, out);
        return out.getCopyOfBuffer();
    }

    private PairRecord roundTrip(PairRecord r) throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes(r)));
    }

    @Test
    void bytesEqualThePlainLayoutAndRoundTrip() throws IOException {
        // 3000 values: beyond the initial buffer, so it grows once.
        for (int dim : new int[] {0, 1, 3, 64, 3000}) {
            for (PairLabel label : new PairLabel[] {null, PairLabel.SAME, PairLabel.DIFFERENT}) {
                PairRecord r = record(dim, label, dim);
                byte[] bytes = bytes(r);
                assertThat(bytes).isEqualTo(plain(r));
                PairRecord back = serializer.deserialize(new DataInputDeserializer(bytes));
                assertThat(back.left()).isEqualTo(r.left());
                assertThat(back.right()).isEqualTo(r.right());
                if (dim > 2) {
                    assertThat(Float.floatToRawIntBits(back.left()[0]))
                            .isEqualTo(Float.floatToRawIntBits(-0.0f));
                }
                assertThat(back.label()).isEqualTo(label);
                assertThat(back.eventId()).isEqualTo("e1");
                assertThat(back.model()).isEqualTo("north");
                assertThat(back.leftId()).isEqualTo("l");
                assertThat(back.rightId()).isEqualTo("r");
                assertThat(back.eventTime()).isEqualTo(1_700_000_000_000L);
                assertThat(back.partition()).isEqualTo(3);
                assertThat(back.position()).isEqualTo(42L);
            }
        }
    }

    @Test
    void aLongArrayRoundTripsBitForBit() throws IOException {
        // 1,000,000 floats (4 MB): the buffer grows far past its start; every bit pattern class.
        SplittableRandom random = new SplittableRandom(7);
        float[] a = new float[1_000_000];
        for (int k = 0; k < a.length; k++) {
            a[k] = Float.intBitsToFloat(random.nextInt());
        }
        float[] b = new float[] {};
        PairRecord r = new PairRecord("e", "m", "l", a, "r", b, null, 0L, 0, 0L);
        PairRecord back = roundTrip(r);
        assertThat(back.left()).hasSameSizeAs(a);
        for (int k = 0; k < a.length; k++) {
            assertThat(Float.floatToRawIntBits(back.left()[k]))
                    .isEqualTo(Float.floatToRawIntBits(a[k]));
        }
        assertThat(back.right()).isEmpty();
    }

    @Test
    void nanPayloadsAndSignedZerosKeepTheirBits() throws IOException {
        int[] bits = {
            0x7fc00000, // canonical NaN: writeFloat's bytes too
            0x7fc00001, // quiet NaN with a payload
            0xffc12345, // negative quiet NaN
            0x7f800001, // signalling NaN
            0x80000000, // -0.0f
            0x00000000,
            0x7f800000, // +inf
            0xff800000, // -inf
            0x00000001, // smallest subnormal
        };
        float[] a = new float[bits.length];
        for (int k = 0; k < bits.length; k++) {
            a[k] = Float.intBitsToFloat(bits[k]);
        }
        PairRecord back =
                roundTrip(new PairRecord("e", "m", "l", a, "r", a.clone(), null, 0L, 0, 0L));
        for (int k = 0; k < bits.length; k++) {
            assertThat(Float.floatToRawIntBits(back.left()[k])).isEqualTo(bits[k]);
            assertThat(Float.floatToRawIntBits(back.right()[k])).isEqualTo(bits[k]);
        }
        // The bytes of one canonical NaN are writeFloat's.
        PairRecord canonical =
                new PairRecord(
                        "e", "m", "l", new float[] {Float.NaN}, "r", new float[0], null, 0L, 0, 0L);
        assertThat(bytes(canonical)).isEqualTo(plain(canonical));
    }

    @Test
    void everyKindOfStringHasWriteUtfBytesAndRoundTrips() throws IOException {
        String ascii65535 = "x".repeat(65_535);
        String[] strings = {
            "",
            "a",
            "event-0001",
            "nul\0inside", // NUL: two bytes in modified UTF-8
            "caf\u00e9", // Latin-1 above 0x7F: two bytes
            "\u20ac price", // three bytes
            "pair \ud83d\ude00 emoji", // a surrogate pair: three bytes each
            "lone \ud800 surrogate",
            "\u007f\u0080\u07ff\u0800\uffff",
            ascii65535,
        };
        for (String s : strings) {
            // The longest string the format holds fills the event id and the left id alone.
            PairRecord r =
                    s.length() == 65_535
                            ? withIds(s, "m", s, "")
                            : withIds(s, "model-" + s, s + "-l", s.isEmpty() ? "" : s.substring(1));
            byte[] bytes = bytes(r);
            assertThat(bytes).isEqualTo(plain(r));
            PairRecord back = serializer.deserialize(new DataInputDeserializer(bytes));
            assertThat(back.eventId()).isEqualTo(r.eventId());
            assertThat(back.model()).isEqualTo(r.model());
            assertThat(back.leftId()).isEqualTo(r.leftId());
            assertThat(back.rightId()).isEqualTo(r.rightId());
        }
    }

    @Test
    void randomStringsHaveWriteUtfBytes() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        for (int t = 0; t < 2000; t++) {
            char[] chars = new char[random.nextInt(40)];
            for (int k = 0; k < chars.length; k++) {
                // Mostly ASCII, sometimes any char: both paths, and switches between them.
                chars[k] =
                        random.nextInt(4) == 0
                                ? (char) random.nextInt(0x10000)
                                : (char) random.nextInt(0x80);
            }
            String s = new String(chars);
            PairRecord r = withIds(s, s, s, s);
            byte[] bytes = bytes(r);
            assertThat(bytes).isEqualTo(plain(r));
            assertThat(serializer.deserialize(new DataInputDeserializer(bytes)).eventId())
                    .isEqualTo(s);
        }
    }

    @Test
    void aStringTooLongForTheFormatFailsAsWriteUtfDoes() {
        String ascii = "x".repeat(65_536);
        String wide = "\u00e9".repeat(40_000); // 40,000 chars, 80,000 bytes
        for (String s : new String[] {ascii, wide}) {
            assertThatThrownBy(() -> bytes(withIds(s, "m", "l", "r")))
                    .isInstanceOf(UTFDataFormatException.class);
        }
    }

    @Test
    void malformedUtfFailsAsReadUtfDoes() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeShort(2);
        out.write(new byte[] {(byte) 0xc3, (byte) 0x41}); // a lead byte, then no continuation
        byte[] bytes = out.getCopyOfBuffer();
        assertThatThrownBy(() -> new DataInputDeserializer(bytes).readUTF())
                .isInstanceOf(UTFDataFormatException.class);
        assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(UTFDataFormatException.class);
    }

    @Test
    void oneSerializerServesRecordsOfChangingSizesInTurn() throws IOException {
        // The buffer is shared by strings and arrays: a small record after a big one and back.
        PairRecord big = record(5000, PairLabel.SAME, 1);
        PairRecord small = withIds("\u00e9vent", "m", "l", "r");
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(big, out);
        serializer.serialize(small, out);
        serializer.serialize(big, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(serializer.deserialize(in).left()).isEqualTo(big.left());
        assertThat(serializer.deserialize(in).eventId()).isEqualTo("\u00e9vent");
        assertThat(serializer.deserialize(in).right()).isEqualTo(big.right());
    }

    @Test
    void aRepeatedModelNameIsOneInstanceAndEveryNameReadsBackEqual() throws IOException {
        // 500 names over 64 slots: names share slots and replace each other; equal lengths with
        // different chars; empty; non-ASCII (never remembered).
        SplittableRandom random = new SplittableRandom(5);
        String[] names = new String[500];
        for (int k = 0; k < names.length; k++) {
            names[k] = k % 50 == 0 ? "m\u00e9" + k : k % 77 == 0 ? "" : "model-" + k;
        }
        for (int t = 0; t < 20_000; t++) {
            String name = names[random.nextInt(t < 1000 ? 3 : names.length)];
            PairRecord back = roundTrip(withIds("e" + t, name, "l", "r"));
            assertThat(back.model()).isEqualTo(name);
            assertThat(back.model().hashCode()).isEqualTo(name.hashCode());
        }
        // A name read twice in a row, nothing between: the same instance.
        PairRecord a = roundTrip(withIds("e1", "north", "l", "r"));
        PairRecord b = roundTrip(withIds("e2", "north", "l", "r"));
        assertThat(b.model()).isSameAs(a.model());
        // Another name of the same length is never taken for it.
        assertThat(roundTrip(withIds("e3", "south", "l", "r")).model()).isEqualTo("south");
    }

    @Test
    void aNegativeFeatureCountIsRefused() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String s : new String[] {"e", "m", "l", "r"}) {
            out.writeUTF(s);
        }
        out.writeInt(-1);
        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad feature count -1");
    }

    @Test
    void duplicatesAreEqualButDistinct() {
        TypeSerializer<PairRecord> copy = serializer.duplicate();
        assertThat(copy).isNotSameAs(serializer).isEqualTo(serializer);
        assertThat(copy.hashCode()).isEqualTo(serializer.hashCode());
    }

    @Test
    void theSnapshotRoundTripsAndIsCompatibleAsIs() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<PairRecord> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertCompatibleAsIs(restored);
    }

    /** Written by the serializer of commit 4598882 (a TypeSerializerSingleton then). */
    @Test
    void theSnapshotOfTheEarlierSerializerRestores() throws IOException {
        byte[] golden;
        try (InputStream in =
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("golden/pair-record-serializer-snapshot-v1")) {
            assertThat(in).isNotNull();
            golden = in.readAllBytes();
        }
        TypeSerializerSnapshot<PairRecord> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(golden), getClass().getClassLoader());
        assertCompatibleAsIs(restored);
    }

    private void assertCompatibleAsIs(TypeSerializerSnapshot<PairRecord> restored) {
        assertThat(restored).isInstanceOf(PairRecordSerializer.Snapshot.class);
        TypeSerializerSchemaCompatibility<PairRecord> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isInstanceOf(PairRecordSerializer.class);
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
    }
}
