package io.contrastream.job.model;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link PairRecord} its explicit serializer wherever Flink meets the type. */
public final class PairRecordTypeInfoFactory extends TypeInfoFactory<PairRecord> {

    /** The type information of {@link PairRecord}. */
    public static final TypeInformation<PairRecord> TYPE =
            new SerializerTypeInfo<>(PairRecord.class, new PairRecordSerializer());

    @Override
    public TypeInformation<PairRecord> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> genericParameters) {
        return TYPE;
    }
}
