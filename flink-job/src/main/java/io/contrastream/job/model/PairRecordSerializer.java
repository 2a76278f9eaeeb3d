package io.contrastream.job.model;

import io.contrastream.loss.PairLabel;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The explicit serializer of {@link PairRecord} between operators: strings in Flink's modified
 * UTF-8, feature arrays as a length and raw big-endian floats (the bytes of {@link
 * DataOutputView#writeFloat}, written and read as one block), the label as one byte (0 none, 1
 * SAME, 2 DIFFERENT). Stateless apart from a per-thread byte buffer, so one instance serves every
 * thread.
 */
public final class PairRecordSerializer extends TypeSerializerSingleton<PairRecord> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final PairRecordSerializer INSTANCE = new PairRecordSerializer();

    /** The most floats an item's array may hold on the wire (so that its bytes fit an array). */
    private static final int MAX_FLOATS = (Integer.MAX_VALUE - 8) / 4;

    /** Big-endian ints in a byte array: the byte order of {@link DataOutputView#writeFloat}. */
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * One buffer per thread for a feature array's bytes, written and read in one call instead of
     * one call per float (which was about a quarter of the trainer's input cost). The serializer
     * itself stays stateless and shared.
     */
    private static final ThreadLocal<byte[]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[1024]);

    private PairRecordSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
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
        out.writeUTF(record.eventId());
        out.writeUTF(record.model());
        out.writeUTF(record.leftId());
        out.writeUTF(record.rightId());
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
        String eventId = in.readUTF();
        String model = in.readUTF();
        String leftId = in.readUTF();
        String rightId = in.readUTF();
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
    public TypeSerializerSnapshot<PairRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeFloats(float[] values, DataOutputView out) throws IOException {
        int n = values.length;
        out.writeInt(n);
        byte[] bytes = scratch(n);
        for (int i = 0; i < n; i++) {
            INTS.set(bytes, i << 2, Float.floatToIntBits(values[i]));
        }
        out.write(bytes, 0, n << 2);
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FLOATS) {
            throw new IOException("bad feature count " + n + " in a serialized PairRecord");
        }
        byte[] bytes = scratch(n);
        in.readFully(bytes, 0, n << 2);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = Float.intBitsToFloat((int) INTS.get(bytes, i << 2));
        }
        return values;
    }

    /** This thread's byte buffer for {@code n} floats, grown when too small, never shrunk. */
    private static byte[] scratch(int n) {
        byte[] bytes = SCRATCH.get();
        if (bytes.length < n << 2) {
            bytes = new byte[Math.max(n << 2, bytes.length * 2)];
            SCRATCH.set(bytes);
        }
        return bytes;
    }

    /** The serializer has no configuration; the snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PairRecord> {
        /** Needed by Flink to restore the snapshot. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
