package io.contrastream.job.model;

import io.contrastream.loss.learner.LearnerState;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The explicit serializer of a model's keyed state.
 *
 * <p>Layout: {@code int} format version ({@value #FORMAT}), {@code long} window start, {@code long}
 * window end, {@code long} alerts, {@code int} length, then that many bytes of {@link LearnerState}
 * (which carries its own magic and version). The length prefix lets Flink copy a value without
 * understanding it.
 *
 * <p>Versions: the serializer's snapshot records {@link Snapshot#VERSION}. Restoring state written
 * by a newer snapshot version is declared incompatible, so a job refuses to start on state it
 * cannot read instead of failing per record; each value's learner bytes are checked again by {@link
 * LearnerState#read}.
 */
public final class ModelStateSerializer extends TypeSerializerSingleton<ModelState> {

    private static final long serialVersionUID = 1L;

    /** The value format this serializer writes and the newest it reads. */
    public static final int FORMAT = 1;

    /** The one instance. */
    public static final ModelStateSerializer INSTANCE = new ModelStateSerializer();

    private ModelStateSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ModelState createInstance() {
        return null;
    }

    @Override
    public ModelState copy(ModelState from) {
        if (from == null) {
            return null;
        }
        try {
            return new ModelState(
                    LearnerState.fromBytes(LearnerState.toBytes(from.learner())),
                    from.windowStart(),
                    from.windowEnd(),
                    from.alerts());
        } catch (IOException e) {
            throw new IllegalStateException("a model state did not survive its own copy", e);
        }
    }

    @Override
    public ModelState copy(ModelState from, ModelState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ModelState state, DataOutputView out) throws IOException {
        byte[] learner = LearnerState.toBytes(state.learner());
        out.writeInt(FORMAT);
        out.writeLong(state.windowStart());
        out.writeLong(state.windowEnd());
        out.writeLong(state.alerts());
        out.writeInt(learner.length);
        out.write(learner);
    }

    @Override
    public ModelState deserialize(DataInputView in) throws IOException {
        int format = in.readInt();
        if (format < 1 || format > FORMAT) {
            throw new IOException(
                    "model state has format " + format + "; this engine reads 1 to " + FORMAT);
        }
        long windowStart = in.readLong();
        long windowEnd = in.readLong();
        long alerts = in.readLong();
        byte[] bytes = new byte[checkedLength(in.readInt())];
        in.readFully(bytes);
        OnlineLearner learner = LearnerState.fromBytes(bytes);
        return new ModelState(learner, windowStart, windowEnd, alerts);
    }

    @Override
    public ModelState deserialize(ModelState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int format = source.readInt();
        target.writeInt(format);
        target.writeLong(source.readLong());
        target.writeLong(source.readLong());
        target.writeLong(source.readLong());
        int length = checkedLength(source.readInt());
        target.writeInt(length);
        target.write(source, length);
    }

    private static int checkedLength(int length) throws IOException {
        if (length < 0) {
            throw new IOException("negative learner state length " + length);
        }
        return length;
    }

    @Override
    public TypeSerializerSnapshot<ModelState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot: no configuration, a version. Version 1 reads value format 1. */
    public static final class Snapshot implements TypeSerializerSnapshot<ModelState> {

        /** The snapshot version this engine writes and the newest it understands. */
        public static final int VERSION = 1;

        private int readVersion = VERSION;

        /** Needed by Flink to restore the snapshot. */
        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (version < 1 || version > VERSION) {
                throw new IOException(
                        "model-state serializer snapshot version "
                                + version
                                + " is newer than this engine reads ("
                                + VERSION
                                + ")");
            }
            readVersion = version;
        }

        @Override
        public TypeSerializer<ModelState> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<ModelState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ModelState> oldSnapshot) {
            if (!(oldSnapshot instanceof Snapshot)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            int old = ((Snapshot) oldSnapshot).readVersion;
            return old <= VERSION
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
