package io.contrastream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The README's byte-by-byte example and canonical form are what the code produces. */
class ReadmeExampleTest {

    private static final Path README = Path.of("README.md");
    private static final Pattern ROW =
            Pattern.compile("^\\s*(\\d+)\\s{2}((?:[0-9a-f]{2} )*[0-9a-f]{2})(?:\\s{2,}.*)?$");

    @Test
    void workedExampleIsWhatTheCodecWrites() throws IOException {
        PairEvent example =
                PairEvent.newBuilder()
                        .setEventId("e1")
                        .setModel("m")
                        .setLeft(new Item("a", List.of(1.0f)))
                        .setRight(new Item("b", List.of(0.5f)))
                        .setLabel(PairLabel.SAME)
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                        .build();

        byte[] documented = documentedBytes(section("wire-example"));

        assertThat(documented).hasSize(39);
        assertThat(WireCodec.forType(PairEvent.class).encode(example)).isEqualTo(documented);
    }

    @Test
    void canonicalFormAndFingerprintAreTheCurrentOnes() throws IOException {
        String canonical = SchemaNormalization.toParsingForm(PairEvent.getClassSchema());
        long fingerprint = WireCodec.fingerprintOf(PairEvent.getClassSchema());

        assertThat(section("canonical-form")).contains(canonical);
        assertThat(Files.readString(README, StandardCharsets.UTF_8))
                .contains(String.format("0x%016x", fingerprint));
    }

    /** Concatenates the hex of each row, checking each row starts at the offset it states. */
    private static byte[] documentedBytes(String section) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : section.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            assertThat(Integer.parseInt(row.group(1)))
                    .as("offset of: %s", line)
                    .isEqualTo(out.size());
            for (String hex : row.group(2).split(" ")) {
                out.write(Integer.parseInt(hex, 16));
            }
        }
        return out.toByteArray();
    }

    private static String section(String name) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertThat(from).as("%s in README.md", begin).isNotNegative();
        assertThat(to).as("%s in README.md", end).isGreaterThan(from);
        return readme.substring(from + begin.length(), to);
    }
}
