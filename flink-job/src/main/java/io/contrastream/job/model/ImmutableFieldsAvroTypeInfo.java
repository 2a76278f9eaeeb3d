package io.contrastream.job.model;

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

    public ImmutableFieldsAvroTypeInfo(Class<T> type) {
        super(type);
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
        return new Serializer<>(getTypeClass());
    }

    /** Avro's serializer with a field-by-field copy. */
    static final class Serializer<T extends SpecificRecordBase> extends AvroSerializer<T> {

        private static final long serialVersionUID = 1L;

        /** The generated class's no-argument constructor (every Avro specific record has one). */
        private transient Constructor<T> constructor;

        private transient int fields;

        Serializer(Class<T> type) {
            super(type);
        }

        @Override
        public T copy(T from) {
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
            return new Serializer<>(getType());
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
