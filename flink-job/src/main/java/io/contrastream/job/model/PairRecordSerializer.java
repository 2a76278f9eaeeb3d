package io.contrastream.job.model;

import io.contrastream.loss.PairLabel;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The explicit serializer of {@link PairRecord} between operators (the keyBy shuffle; no state
 * holds a {@code PairRecord}). The layout is that of Flink's {@link DataOutputView} methods, field
 * after field:
 *
 * <ul>
 *   <li>the four strings (event id, model, left id, right id) as {@link DataOutputView#writeUTF}
 *       writes them: an unsigned 16-bit length, then modified UTF-8;
 *   <li>each feature array as an int count and the big-endian bits of every float;
 *   <li>the label as one byte (0 none, 1 SAME, 2 DIFFERENT); event time (long), partition (int),
 *       position (long).
 * </ul>
 *
 * <p>How it is fast without changing those bytes: a string of ASCII characters other than NUL (the
 * ids and model names of every real input) is written as its length and its chars' low bytes in one
 * block, and read back with one block read and a Latin-1 decode (modified UTF-8 of such a string is
 * exactly those bytes); any other string (a NUL, a char above 0x7F, more than 65,535 chars) goes
 * through {@code writeUTF} / {@code readUTF}'s own decoding, so the bytes and the error on a string
 * too long for the format are theirs. A feature array is converted to or from its bytes in a buffer
 * of this serializer and moved as one block, instead of one call per float.
 *
 * <p>Floats travel as their raw bits ({@link Float#floatToRawIntBits}): a round trip gives back the
 * same bits for every value, {@code -0.0f} and NaN payloads included. For every value but a NaN
 * other than the canonical {@code 0x7fc00000} these are the bytes of {@link
 * DataOutputView#writeFloat}, which folds every NaN to the canonical one; decoded pairs are finite,
 * so on the job's own path the bytes are those of {@code writeFloat}. An empty array is a count of
 * 0 and no bytes.
 *
 * <p>Stateful (its byte buffer, grown to the largest field seen, never shrunk): one instance per
 * thread, as Flink uses serializers; {@link #duplicate} gives a new one. Reads refuse a negative or
 * impossible feature count and an unknown label code with an {@link IOException}.
 */
public final class PairRecordSerializer extends TypeSerializer<PairRecord> {

    private static final long serialVersionUID = 2L;

    /** The most floats an item's array may hold on the wire (so that its bytes fit an array). */
    private static final int MAX_FLOATS = (Integer.MAX_VALUE - 8) / 4;

    /** The most bytes of modified UTF-8 {@code writeUTF} writes for one string. */
    private static final int MAX_UTF_BYTES = 0xFFFF;

    /** Big-endian ints in a byte array: the byte order of {@link DataOutputView#writeFloat}. */
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** How many model names {@link #readModel} remembers (a power of two). */
    private static final int MODEL_SLOTS = 64;

    /** A string's or a feature array's bytes, written and read in one call; made on first use. */
    private transient byte[] scratch;

    /** The model names read last, by {@code hashCode() & (MODEL_SLOTS - 1)}; made on first use. */
    private transient String[] models;

    /** A new serializer (with its own buffer: one per thread). */
    public PairRecordSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<PairRecord> duplicate() {
        return new PairRecordSerializer();
    }

    @Override
    public PairRecord createInstance() {
        return new PairRecord();
    }

    @Override
    public PairRecord copy(PairRecord from) {
        return new PairRecord(
                from.eventId(),
                from.model(),
                from.leftId(),
                from.left().clone(),
                from.rightId(),
                from.right().clone(),
                from.label(),
                from.eventTime(),
                from.partition(),
                from.position());
    }

    @Override
    public PairRecord copy(PairRecord from, PairRecord reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(PairRecord record, DataOutputView out) throws IOException {
        writeString(record.eventId(), out);
        writeString(record.model(), out);
        writeString(record.leftId(), out);
        writeString(record.rightId(), out);
        writeFloats(record.left(), out);
        writeFloats(record.right(), out);
        PairLabel label = record.label();
        out.writeByte(label == null ? 0 : label == PairLabel.SAME ? 1 : 2);
        out.writeLong(record.eventTime());
        out.writeInt(record.partition());
        out.writeLong(record.position());
    }

    @Override
    public PairRecord deserialize(DataInputView in) throws IOException {
        return deserialize(new PairRecord(), in);
    }

    @Override
    public PairRecord deserialize(PairRecord reuse, DataInputView in) throws IOException {
        String eventId = readString(in);
        String model = readModel(in);
        String leftId = readString(in);
        String rightId = readString(in);
        float[] left = readFloats(in);
        float[] right = readFloats(in);
        byte code = in.readByte();
        PairLabel label;
        switch (code) {
            case 0:
                label = null;
                break;
            case 1:
                label = PairLabel.SAME;
                break;
            case 2:
                label = PairLabel.DIFFERENT;
                break;
            default:
                throw new IOException("bad label code " + code + " in a serialized PairRecord");
        }
        reuse.set(
                eventId,
                model,
                leftId,
                left,
                rightId,
                right,
                label,
                in.readLong(),
                in.readInt(),
                in.readLong());
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof PairRecordSerializer;
    }

    @Override
    public int hashCode() {
        return PairRecordSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<PairRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * {@code out.writeUTF(s)}: for a string of ASCII chars other than NUL of up to 65,535 chars
     * (whose modified UTF-8 is one byte per char, the char itself), the length and those bytes in
     * one block; for any other string {@code writeUTF} itself.
     */
    private void writeString(String s, DataOutputView out) throws IOException {
        int n = s.length();
        if (n > MAX_UTF_BYTES) {
            out.writeUTF(s); // longer than the format allows, or multi-byte: writeUTF decides
            return;
        }
        byte[] bytes = scratch(n + 2);
        bytes[0] = (byte) (n >>> 8);
        bytes[1] = (byte) n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c >= 0x80) {
                out.writeUTF(s);
                return;
            }
            bytes[i + 2] = (byte) c;
        }
        out.write(bytes, 0, n + 2);
    }

    /**
     * {@code in.readUTF()}: the bytes are read in one block; all below 0x80 (ASCII; a 0 byte, which
     * {@code writeUTF} never writes, reads as NUL as {@code readUTF} reads it) they are the chars;
     * otherwise they are decoded by {@link DataInputDeserializer#readUTF}, so malformed input fails
     * as it does there. Only that path allocates beyond the string.
     */
    private String readString(DataInputView in) throws IOException {
        int n = in.readUnsignedShort();
        byte[] bytes = scratch(n + 2);
        in.readFully(bytes, 2, n);
        for (int i = 2; i < n + 2; i++) {
            if (bytes[i] < 0) {
                bytes[0] = (byte) (n >>> 8);
                bytes[1] = (byte) n;
                return new DataInputDeserializer(bytes, 0, n + 2).readUTF();
            }
        }
        return new String(bytes, 2, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #readString} for the model name, which a stream repeats on every pair of the model: an
     * ASCII name equal to the one remembered at its hash's slot is returned as that same instance
     * (strings are immutable: only the object is shared), else read as usual and remembered there.
     * So the pair's key is not a new string per pair, and its hash, which keyBy, the keyed state
     * and the per-model metrics all take, is computed once per name: a {@code String} keeps its
     * hash. A name met for the first time, or whose slot another name took, costs one string, as
     * before; any name that is not ASCII is read by {@link #readString}.
     */
    private String readModel(DataInputView in) throws IOException {
        int n = in.readUnsignedShort();
        byte[] bytes = scratch(n + 2);
        in.readFully(bytes, 2, n);
        int hash = 0;
        for (int i = 2; i < n + 2; i++) {
            byte b = bytes[i];
            if (b < 0) {
                bytes[0] = (byte) (n >>> 8);
                bytes[1] = (byte) n;
                return new DataInputDeserializer(bytes, 0, n + 2).readUTF();
            }
            hash = 31 * hash + b; // String.hashCode of these chars
        }
        String[] known = models;
        if (known == null) {
            known = new String[MODEL_SLOTS];
            models = known;
        }
        int slot = hash & (MODEL_SLOTS - 1);
        String cached = known[slot];
        if (cached != null && sameChars(cached, bytes, n)) {
            return cached;
        }
        String model = new String(bytes, 2, n, StandardCharsets.ISO_8859_1);
        known[slot] = model;
        return model;
    }

    /** Whether {@code s} is the {@code n} ASCII chars at {@code bytes[2..n+2)}. */
    private static boolean sameChars(String s, byte[] bytes, int n) {
        if (s.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != bytes[i + 2]) {
                return false;
            }
        }
        return true;
    }

    private void writeFloats(float[] values, DataOutputView out) throws IOException {
        int n = values.length;
        out.writeInt(n);
        byte[] bytes = scratch(n << 2);
        for (int i = 0; i < n; i++) {
            INTS.set(bytes, i << 2, Float.floatToRawIntBits(values[i]));
        }
        out.write(bytes, 0, n << 2);
    }

    private float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FLOATS) {
            throw new IOException("bad feature count " + n + " in a serialized PairRecord");
        }
        byte[] bytes = scratch(n << 2);
        in.readFully(bytes, 0, n << 2);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = Float.intBitsToFloat((int) INTS.get(bytes, i << 2));
        }
        return values;
    }

    /** This serializer's buffer of at least {@code size} bytes, grown when too small. */
    private byte[] scratch(int size) {
        byte[] bytes = scratch;
        if (bytes == null || bytes.length < size) {
            bytes = new byte[Math.max(size, bytes == null ? 1024 : bytes.length * 2)];
            scratch = bytes;
        }
        return bytes;
    }

    /**
     * The serializer has no configuration; the snapshot only names it. The same class as when the
     * serializer was a singleton, so a snapshot written then still restores.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PairRecord> {
        /** Needed by Flink to restore the snapshot. */
        public Snapshot() {
            super(PairRecordSerializer::new);
        }
    }
}
