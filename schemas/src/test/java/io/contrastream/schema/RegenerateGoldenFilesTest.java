package io.contrastream.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the golden binaries of {@link GoldenRecords} with the current schemas. Not run by default.
 * After adding schema version N of a type (a record for it in {@link GoldenRecords}, written here
 * with that version number), run from {@code schemas/}:
 *
 * <pre>
 * mvn -q test -Dtest=RegenerateGoldenFilesTest -Dcontrastream.regenerateGolden=true
 * </pre>
 *
 * It writes only files that do not exist yet: the bytes of an earlier version are history and must
 * never be rewritten. Delete a file by hand to rewrite it on purpose.
 */
@EnabledIfSystemProperty(named = "contrastream.regenerateGolden", matches = "true")
class RegenerateGoldenFilesTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void writeMissingGoldenFiles() throws IOException {
        Files.createDirectories(GOLDEN);
        write("pair-event", 1, PairEvent.class, GoldenRecords.pairEvent());
        write("pair-score", 1, PairScore.class, GoldenRecords.pairScore());
        write("loss-metrics", 1, LossMetrics.class, GoldenRecords.lossMetrics());
        write("change-alert", 2, ChangeAlert.class, GoldenRecords.changeAlertV2());
        write("dead-letter", 2, DeadLetter.class, GoldenRecords.deadLetterV2());
    }

    private static <T extends SpecificRecord> void write(
            String kebab, int version, Class<T> type, T record) throws IOException {
        Path file = GOLDEN.resolve(GoldenRecords.fileName(kebab, version));
        if (Files.exists(file)) {
            System.out.println("kept " + file);
            return;
        }
        Files.write(file, WireCodec.forType(type).encode(record));
        System.out.println("wrote " + file);
    }
}
