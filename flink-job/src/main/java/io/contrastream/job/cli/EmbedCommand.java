package io.contrastream.job.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.job.export.ModelFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The embedding of single items from an exported model file: one JSON line in, {@code {"id": ...,
 * "features": [...]}}, one JSON line out, {@code {"id": ..., "embedding": [...]}}, in input order.
 * A line that is not such an item (not JSON, no id, features of another length or not finite) is
 * named on standard error with its line number and reason and left out; the exit code is then 1.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the embedding of each item in a JSON-lines file, computed with a model file"
                    + " (safetensors) written by the models output of `replay` or `run`.",
            "Input lines: {\"id\": \"a\", \"features\": [0.1, ...]}; output lines: {\"id\": \"a\","
                    + " \"embedding\": [...]}. Bad lines are reported on stderr and left out (exit"
                    + " code 1)."
        })
public final class EmbedCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "FILE",
            description = "A model file (.safetensors) of this engine.")
    Path modelFile;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE",
            description = "JSON-lines file of items: id and features.")
    Path input;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "Where the embeddings go; standard output when not given.")
    Path output;

    @Override
    public Integer call() throws IOException {
        ModelFile model;
        try {
            model = ModelFile.read(Files.readAllBytes(modelFile));
        } catch (IOException e) {
            throw new ParameterException(
                    spec.commandLine(), "--model " + modelFile + ": " + e.getMessage(), e);
        }
        if (!Files.isReadable(input)) {
            throw new ParameterException(spec.commandLine(), "--input: cannot read " + input);
        }
        ModelFile.Embedder embedder = model.embedder();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper json = new ObjectMapper();
        float[] x = new float[embedder.inputDim()];
        float[] e = new float[embedder.embeddingDim()];
        long written = 0;
        long bad = 0;
        long lineNumber = 0;
        OutputStream out = output == null ? System.out : Files.newOutputStream(output);
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                JsonGenerator gen =
                        json.getFactory()
                                .createGenerator(out)
                                .configure(
                                        JsonGenerator.Feature.AUTO_CLOSE_TARGET, output != null)) {
            gen.setRootValueSeparator(null);
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = null;
                String id = null;
                try {
                    JsonNode item = json.readTree(line);
                    id = item.path("id").isTextual() ? item.get("id").asText() : null;
                    JsonNode features = item.path("features");
                    if (id == null || id.isEmpty()) {
                        problem = "no id";
                    } else if (!features.isArray() || features.size() != x.length) {
                        problem =
                                "features must be an array of "
                                        + x.length
                                        + " numbers, got "
                                        + (features.isArray()
                                                ? features.size() + " values"
                                                : features.getNodeType());
                    } else {
                        for (int k = 0; k < x.length && problem == null; k++) {
                            JsonNode v = features.get(k);
                            x[k] = (float) v.asDouble(Double.NaN);
                            if (!v.isNumber() || !Float.isFinite(x[k])) {
                                problem = "feature " + k + " is " + v + ", not a finite number";
                            }
                        }
                    }
                } catch (IOException ex) {
                    problem = "not JSON: " + ex.getMessage().lines().findFirst().orElse("");
                }
                if (problem != null) {
                    bad++;
                    err.printf("embed: %s line %d: %s%n", input, lineNumber, problem);
                    continue;
                }
                embedder.embed(x, e);
                gen.writeStartObject();
                gen.writeStringField("id", id);
                gen.writeArrayFieldStart("embedding");
                for (float v : e) {
                    gen.writeNumber(v);
                }
                gen.writeEndArray();
                gen.writeEndObject();
                gen.writeRaw('\n');
                written++;
            }
        }
        err.printf(
                "embed: %,d items embedded with model '%s' (version %d, %d -> %d)%s%n",
                written,
                model.model(),
                model.modelVersion(),
                embedder.inputDim(),
                embedder.embeddingDim(),
                bad == 0 ? "" : String.format(", %,d lines left out", bad));
        err.flush();
        return bad == 0 ? 0 : 1;
    }
}
