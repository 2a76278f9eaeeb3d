package io.contrastream.job.io.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.RecordEncoder;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairScore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesSinkTest {

    @TempDir Path dir;

    private static PairScore score(String id, double distance) {
        return PairScore.newBuilder()
                .setEventId(id)
                .setModel("m")
                .setLeftId("a\nb") // a newline in a string must not end the line
                .setRightId("c")
                .setDistance(distance)
                .setSimilarity(null)
                .setLabel(null)
                .setLoss(null)
                .setThreshold(1.0)
                .setAlert(false)
                .setModelVersion(3)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    @Test
    void writesOneJsonObjectPerLineThatDecodesBackToTheRecord() throws Exception {
        Path file = dir.resolve("scores.jsonl");
        Files.writeString(file, "old content that must go\n".repeat(100));
        List<PairScore> records = List.of(score("e1", 0.5), score("e2", Double.NaN));
        try (JsonLinesSink.Writer<PairScore> writer =
                new JsonLinesSink.Writer<>(
                        file, new RecordEncoder<>(PairScore.class, WireFormat.JSON))) {
            for (PairScore r : records) {
                writer.write(r, null);
            }
            writer.flush(true);
            assertThat(writer.count()).isEqualTo(2);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(2);
        JsonCodec<PairScore> codec = JsonCodec.forType(PairScore.class);
        for (int i = 0; i < lines.size(); i++) {
            // toString: Avro's equals says NaN != NaN.
            assertThat(codec.decode(lines.get(i)).toString()).isEqualTo(records.get(i).toString());
        }
        assertThat(lines.get(0)).startsWith("{\"event_id\":\"e1\"");
        assertThat(lines.get(1)).contains("\"distance\":\"NaN\"");
    }

    @Test
    void anEmptyInputLeavesAnEmptyFile() throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        try (JsonLinesSink.Writer<PairScore> writer =
                new JsonLinesSink.Writer<>(
                        file, new RecordEncoder<>(PairScore.class, WireFormat.JSON))) {
            writer.flush(true);
        }
        assertThat(file).exists().isEmptyFile();
    }

    @Test
    void refusesAvro() {
        assertThatThrownBy(
                        () ->
                                new JsonLinesSink.Writer<>(
                                        dir.resolve("x"),
                                        new RecordEncoder<>(PairScore.class, WireFormat.AVRO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON");
    }

    @Test
    void theSinkIsSerializableAndNamesItsFile() throws Exception {
        JsonLinesSink<PairScore> sink =
                new JsonLinesSink<>(dir.resolve("scores.jsonl"), PairScore.class);
        JsonLinesSink<PairScore> copy =
                org.apache.flink.util.InstantiationUtil.clone(sink, getClass().getClassLoader());
        assertThat(copy.file()).isEqualTo(dir.resolve("scores.jsonl").toAbsolutePath());
    }
}
