package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.job.export.ModelFile;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code contrastream embed}: the learner's own embeddings, bad lines named and left out. */
class EmbedCommandTest {

    @TempDir Path dir;

    @Test
    void writesEachItemsEmbeddingAndNamesBadLines() throws Exception {
        OnlineLearner learner = OnlineLearner.create(LearnerConfig.reference(4), 3);
        for (int i = 0; i < 50; i++) {
            learner.process(
                    new float[] {i, 1, 2},
                    new float[] {0, i % 3, 1},
                    i % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
        Path model = dir.resolve("m.safetensors");
        Files.write(model, ModelFile.write("m", learner));
        Path items = dir.resolve("items.jsonl");
        Files.write(
                items,
                List.of(
                        "{\"id\": \"a\", \"features\": [0.5, -1, 2]}",
                        "{\"id\": \"b\", \"features\": [1, 2]}",
                        "",
                        "not json",
                        "{\"id\": \"c\", \"features\": [3, 0, 1e3]}"));
        Path out = dir.resolve("embeddings.jsonl");
        StringWriter err = new StringWriter();
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .setErr(new PrintWriter(err))
                        .execute(
                                "embed",
                                "--model",
                                model.toString(),
                                "--input",
                                items.toString(),
                                "--output",
                                out.toString());

        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(err.toString())
                .contains("line 2: features must be an array of 3 numbers, got 2 values")
                .contains("line 4: not JSON")
                .contains("2 items embedded with model 'm'")
                .contains("2 lines left out");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        float[][] inputs = {{0.5f, -1f, 2f}, {3f, 0f, 1e3f}};
        String[] ids = {"a", "c"};
        for (int i = 0; i < 2; i++) {
            JsonNode node = json.readTree(lines.get(i));
            assertThat(node.get("id").asText()).isEqualTo(ids[i]);
            float[] expected = new float[learner.embeddingDim()];
            learner.embed(inputs[i], expected);
            assertThat(node.get("embedding")).hasSize(expected.length);
            for (int k = 0; k < expected.length; k++) {
                assertThat((float) node.get("embedding").get(k).asDouble()).isEqualTo(expected[k]);
            }
        }
    }
}
