package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every wire type has a committed history whose newest version is the schema the classes were
 * generated from: editing an {@code .avsc} without adding {@code <Type>-v(N+1).avsc} fails here.
 */
class SchemaHistoryTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                PairEvent.class,
                PairScore.class,
                LossMetrics.class,
                ChangeAlert.class,
                DeadLetter.class
            })
    void newestHistoryVersionIsTheCurrentSchema(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);
        List<Schema> history = SchemaHistory.load(type.getSimpleName());

        assertThat(history).as("committed versions of %s", type.getSimpleName()).isNotEmpty();
        Schema newest = history.get(history.size() - 1);
        assertThat(WireCodec.fingerprintOf(newest))
                .as(
                        "%s changed: commit it as %s",
                        type.getSimpleName(),
                        SchemaHistory.resourceName(type.getSimpleName(), history.size() + 1))
                .isEqualTo(WireCodec.fingerprintOf(current));
        assertThat(newest.getFullName()).isEqualTo(current.getFullName());
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                PairEvent.class,
                PairScore.class,
                LossMetrics.class,
                ChangeAlert.class,
                DeadLetter.class
            })
    void everyHistoricalVersionIsKnownToTheCodec(Class<?> type) {
        List<Schema> history = SchemaHistory.load(type.getSimpleName());
        @SuppressWarnings({"unchecked", "rawtypes"})
        WireCodec<?> codec = WireCodec.forType((Class) type);

        for (Schema version : history) {
            assertThat(codec.knownFingerprints()).contains(WireCodec.fingerprintOf(version));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NoSuchType", "Item"})
    void aTypeWithoutHistoryLoadsEmpty(String typeName) {
        assertThat(SchemaHistory.load(typeName)).isEmpty();
    }
}
