package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The JSON names on the wire are the snake_case names other languages are told about, in the
 * documented order, and every named type and field carries a {@code doc}.
 */
class SchemaConventionsTest {

    private static final String SNAKE_CASE = "[a-z][a-z0-9]*(_[a-z0-9]+)*";

    @Test
    void fieldNamesAreExactlyTheDocumentedSnakeCaseNames() {
        assertThat(names(PairEvent.getClassSchema()))
                .containsExactly("event_id", "model", "left", "right", "label", "event_time");
        assertThat(names(Item.getClassSchema())).containsExactly("id", "features");
        assertThat(names(PairScore.getClassSchema()))
                .containsExactly(
                        "event_id",
                        "model",
                        "left_id",
                        "right_id",
                        "distance",
                        "similarity",
                        "label",
                        "loss",
                        "threshold",
                        "alert",
                        "model_version",
                        "event_time");
        assertThat(names(LossMetrics.getClassSchema()))
                .containsExactly(
                        "model",
                        "model_version",
                        "window_start",
                        "window_end",
                        "count",
                        "labelled_count",
                        "mean_loss",
                        "mean_positive_distance",
                        "mean_negative_distance",
                        "active_negative_fraction",
                        "accuracy",
                        "precision",
                        "recall",
                        "f1",
                        "roc_auc",
                        "roc_auc_error_bound",
                        "threshold",
                        "mean_gradient_norm",
                        "parameter_norm",
                        "skipped_updates");
        assertThat(names(ChangeAlert.getClassSchema()))
                .containsExactly(
                        "alert_id",
                        "kind",
                        "model",
                        "event_id",
                        "left_id",
                        "right_id",
                        "distance",
                        "threshold",
                        "model_version",
                        "event_time",
                        "detail");
        assertThat(names(DeadLetter.getClassSchema()))
                .containsExactly(
                        "reason",
                        "message",
                        "source",
                        "topic",
                        "partition",
                        "offset",
                        "line",
                        "original",
                        "model",
                        "event_time");
    }

    @Test
    void everyFieldOfEveryRecordIsSnakeCaseAndDocumented() {
        for (Schema record : reachableRecords()) {
            assertThat(record.getDoc()).as("doc of %s", record.getName()).isNotBlank();
            for (Schema.Field field : record.getFields()) {
                assertThat(field.name()).as("field of %s", record.getName()).matches(SNAKE_CASE);
                assertThat(field.doc())
                        .as("doc of %s.%s", record.getName(), field.name())
                        .isNotBlank();
            }
        }
    }

    @Test
    void enumsAreDocumentedAndDeadLetterReasonHasAForwardCompatibleDefault() {
        for (Schema e :
                List.of(
                        PairLabel.getClassSchema(),
                        AlertKind.getClassSchema(),
                        DeadLetterReason.getClassSchema())) {
            assertThat(e.getDoc()).as("doc of %s", e.getName()).isNotBlank();
            for (String symbol : e.getEnumSymbols()) {
                assertThat(e.getDoc()).as("doc of %s", e.getName()).contains(symbol);
            }
        }
        assertThat(DeadLetterReason.getClassSchema().getEnumDefault()).isEqualTo("OTHER");
    }

    @Test
    void nullableFieldsPutNullFirstAndDefaultToNull() {
        for (Schema record : reachableRecords()) {
            for (Schema.Field field : record.getFields()) {
                if (field.schema().getType() == Schema.Type.UNION) {
                    assertThat(field.schema().getTypes().get(0).getType())
                            .as("%s.%s", record.getName(), field.name())
                            .isEqualTo(Schema.Type.NULL);
                    assertThat(field.defaultVal())
                            .as("default of %s.%s", record.getName(), field.name())
                            .isNotNull();
                }
            }
        }
    }

    private static List<Schema> reachableRecords() {
        List<Schema> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Schema root :
                List.of(
                        PairEvent.getClassSchema(),
                        PairScore.getClassSchema(),
                        LossMetrics.getClassSchema(),
                        ChangeAlert.getClassSchema(),
                        DeadLetter.getClassSchema())) {
            collect(root, seen, out);
        }
        return out;
    }

    private static void collect(Schema schema, Set<String> seen, List<Schema> out) {
        switch (schema.getType()) {
            case RECORD:
                if (seen.add(schema.getFullName())) {
                    out.add(schema);
                    for (Schema.Field field : schema.getFields()) {
                        collect(field.schema(), seen, out);
                    }
                }
                break;
            case ARRAY:
                collect(schema.getElementType(), seen, out);
                break;
            case MAP:
                collect(schema.getValueType(), seen, out);
                break;
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    collect(branch, seen, out);
                }
                break;
            default:
                break;
        }
    }

    private static List<String> names(Schema record) {
        List<String> names = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            names.add(field.name());
        }
        return names;
    }
}
