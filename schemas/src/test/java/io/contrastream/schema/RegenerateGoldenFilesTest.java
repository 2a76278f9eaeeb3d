package io.contrastream.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the golden binaries of {@link GoldenRecords} with the current schemas. Not run by default.
 * After adding schema version N (and setting {@link GoldenRecords#VERSION} to N), run from {@code
 * schemas/}:
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
        write("pair-event", PairEvent.class, GoldenRecords.pairEvent());
        write("pair-score", PairScore.class, GoldenRecords.pairScore());
        write("loss-metrics", LossMetrics.class, GoldenRecords.lossMetrics());
        write("change-alert", ChangeAlert.class, GoldenRecords.changeAlert());
        write("dead-letter", DeadLetter.class, GoldenRecords.deadLetter());
    }

    private static <T extends SpecificRecord> void write(String kebab, Class<T> type, T record)
            throws IOException {
        Path file = GOLDEN.resolve(GoldenRecords.fileName(kebab, GoldenRecords.VERSION));
        if (Files.exists(file)) {
            System.out.println("kept " + file);
            return;
        }
        Files.write(file, WireCodec.forType(type).encode(record));
        System.out.println("wrote " + file);
    }
}
