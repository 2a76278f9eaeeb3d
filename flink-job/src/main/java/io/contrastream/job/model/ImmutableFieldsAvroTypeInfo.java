package io.contrastream.job.model;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.util.EnumSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * {@link AvroTypeInfo} for an Avro record whose fields all hold immutable values (strings, enums,
 * numbers, booleans, timestamps, or null): the same serializer and bytes, with a copy that copies
 * the field references instead of Avro's generic deep copy.
 *
 * <p>Why: without object reuse Flink copies every record handed from one chained operator to the
 * next ({@code CopyingChainingOutput}), and {@link AvroSerializer#copy} walks the schema
 * reflectively (about an eighth of the trainer's time per pair for its score to the chained sink).
 * For such a record, a new instance holding the same field values is as much a copy as the deep
 * one: nothing in it can be changed through the other instance.
 *
 * <p>Given a {@link Copier} (the record's own field-by-field copy, as in {@link OutputRecords}),
 * the serializer copies with it instead: no reflection and no boxing of primitive fields.
 *
 * @throws IllegalArgumentException on construction, for a record with a field of another type
 *     (array, map, bytes, fixed, nested record)
 */
public final class ImmutableFieldsAvroTypeInfo<T extends SpecificRecordBase>
        extends AvroTypeInfo<T> {

    private static final long serialVersionUID = 1L;

    private static final Set<Schema.Type> IMMUTABLE =
            EnumSet.of(
                    Schema.Type.STRING,
                    Schema.Type.ENUM,
                    Schema.Type.INT,
                    Schema.Type.LONG,
                    Schema.Type.FLOAT,
                    Schema.Type.DOUBLE,
                    Schema.Type.BOOLEAN,
                    Schema.Type.NULL);

    /**
     * A copy of a record: a new instance holding the same field values. Serializable, as it is
     * shipped to the task managers with the serializer (a method reference is).
     */
    @FunctionalInterface
    public interface Copier<T> extends Serializable {
        /** A new record equal to {@code from}; null for null. */
        T copy(T from);
    }

    private final Copier<T> copier;

    /** Copies through the record's generic {@code get} / {@code put}. */
    public ImmutableFieldsAvroTypeInfo(Class<T> type) {
        this(type, null);
    }

    /**
     * @param copier the record's own copy, or null for the generic one through {@code get} / {@code
     *     put}
     */
    public ImmutableFieldsAvroTypeInfo(Class<T> type, Copier<T> copier) {
        super(type);
        this.copier = copier;
        Schema schema = SpecificData.get().getSchema(type);
        for (Schema.Field field : schema.getFields()) {
            Schema s = field.schema();
            boolean ok =
                    s.getType() == Schema.Type.UNION
                            ? s.getTypes().stream().allMatch(t -> IMMUTABLE.contains(t.getType()))
                            : IMMUTABLE.contains(s.getType());
            if (!ok) {
                throw new IllegalArgumentException(
                        type.getName()
                                + "."
                                + field.name()
                                + " is of type "
                                + s
                                + ": only records of immutable field values are copied by"
                                + " reference");
            }
        }
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new Serializer<>(getTypeClass(), copier);
    }

    /** Avro's serializer with a field-by-field copy. */
    static final class Serializer<T extends SpecificRecordBase> extends AvroSerializer<T> {

        private static final long serialVersionUID = 1L;

        /** The generated class's no-argument constructor (every Avro specific record has one). */
        private transient Constructor<T> constructor;

        private transient int fields;

        /** The record's own copy, or null. */
        private final Copier<T> copier;

        Serializer(Class<T> type, Copier<T> copier) {
            super(type);
            this.copier = copier;
        }

        @Override
        public T copy(T from) {
            if (copier != null) {
                return copier.copy(from);
            }
            if (from == null) {
                return null;
            }
            T to;
            try {
                if (constructor == null) {
                    constructor = getType().getConstructor();
                    fields = from.getSchema().getFields().size();
                }
                to = constructor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create a " + getType().getName(), e);
            }
            for (int i = 0; i < fields; i++) {
                to.put(i, from.get(i));
            }
            return to;
        }

        @Override
        public T copy(T from, T reuse) {
            return copy(from);
        }

        @Override
        public TypeSerializer<T> duplicate() {
            return new Serializer<>(getType(), copier);
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof Serializer<?> other && other.getType() == getType();
        }

        @Override
        public int hashCode() {
            return 43 + getType().hashCode();
        }
    }
}
