package io.contrastream.job.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** The explicit serializer of {@link RawRecord}: length, bytes, partition, position. */
public final class RawRecordSerializer extends TypeSerializerSingleton<RawRecord> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final RawRecordSerializer INSTANCE = new RawRecordSerializer();

    /** The type information of {@link RawRecord}. */
    public static final TypeInformation<RawRecord> TYPE =
            new SerializerTypeInfo<>(RawRecord.class, INSTANCE);

    private RawRecordSerializer() {}

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public RawRecord createInstance() {
        return new RawRecord(new byte[0], PairRecord.NO_PARTITION, 0);
    }

    @Override
    public RawRecord copy(RawRecord from) {
        return from;
    }

    @Override
    public RawRecord copy(RawRecord from, RawRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(RawRecord record, DataOutputView out) throws IOException {
        out.writeInt(record.bytes().length);
        out.write(record.bytes());
        out.writeInt(record.partition());
        out.writeLong(record.position());
    }

    @Override
    public RawRecord deserialize(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative length " + n + " in a serialized RawRecord");
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return new RawRecord(bytes, in.readInt(), in.readLong());
    }

    @Override
    public RawRecord deserialize(RawRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No configuration; the snapshot only names the serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        /** Needed by Flink to restore the snapshot. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Gives {@link RawRecord} this serializer wherever Flink meets the type. */
    public static final class TypeInfoFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }
}
