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
 * (which carries its own magic and version); since format 2, then {@code int} dedupe-window
 * capacity, {@code int} count and that many {@code long} event-id fingerprints, oldest first. The
 * length prefixes let Flink copy a value without understanding it. Format 1 is read as a state that
 * remembers no event ids.
 *
 * <p>Versions: the serializer's snapshot records {@link Snapshot#VERSION}. Restoring state written
 * by a newer snapshot version is declared incompatible, so a job refuses to start on state it
 * cannot read instead of failing per record; each value's learner bytes are checked again by {@link
 * LearnerState#read}.
 */
public final class ModelStateSerializer extends TypeSerializerSingleton<ModelState> {

    private static final long serialVersionUID = 1L;

    /** The value format this serializer writes and the newest it reads. */
    public static final int FORMAT = 2;

    /** The largest dedupe window a value may declare (a guard against corrupt lengths). */
    private static final int MAX_WINDOW = 1 << 24;

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
                    from.alerts(),
                    RecentEventIds.of(
                            from.recentEventIds().capacity(), from.recentEventIds().toArray()));
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
        RecentEventIds ids = state.recentEventIds();
        out.writeInt(ids.capacity());
        long[] fingerprints = ids.toArray();
        out.writeInt(fingerprints.length);
        for (long f : fingerprints) {
            out.writeLong(f);
        }
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
        RecentEventIds ids = new RecentEventIds(0);
        if (format >= 2) {
            int capacity = checkedWindow(in.readInt());
            long[] fingerprints = new long[checkedCount(in.readInt(), capacity)];
            for (int k = 0; k < fingerprints.length; k++) {
                fingerprints[k] = in.readLong();
            }
            ids = RecentEventIds.of(capacity, fingerprints);
        }
        return new ModelState(learner, windowStart, windowEnd, alerts, ids);
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
        if (format >= 2) {
            int capacity = checkedWindow(source.readInt());
            target.writeInt(capacity);
            int count = checkedCount(source.readInt(), capacity);
            target.writeInt(count);
            target.write(source, count * Long.BYTES);
        }
    }

    private static int checkedWindow(int capacity) throws IOException {
        if (capacity < 0 || capacity > MAX_WINDOW) {
            throw new IOException("dedupe window " + capacity + " outside 0.." + MAX_WINDOW);
        }
        return capacity;
    }

    private static int checkedCount(int count, int capacity) throws IOException {
        if (count < 0 || count > capacity) {
            throw new IOException(count + " event ids in a window of " + capacity);
        }
        return count;
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

    /**
     * The serializer's snapshot: no configuration, a version. Version 1 wrote value format 1;
     * version 2 writes format 2 and reads both (each value carries its format), so state of either
     * version restores as is.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<ModelState> {

        /** The snapshot version this engine writes and the newest it understands. */
        public static final int VERSION = 2;

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
