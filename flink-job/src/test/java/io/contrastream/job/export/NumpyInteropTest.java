package io.contrastream.job.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Code that is not this project's Java reads an exported model: {@code
 * examples/python/model_interop.py}, numpy alone under Debian's python3 (python3-numpy; {@code
 * .ci/run} installs it), recomputes the engine's distances of 100 pairs from the safetensors file
 * to 1e-5.
 */
class NumpyInteropTest {

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}, normalize={1}, {2}, standardize={3}")
    @CsvSource({
        "LINEAR,false,EUCLIDEAN,NONE",
        "MLP,false,EUCLIDEAN,NONE",
        "LINEAR,true,COSINE,NONE",
        "MLP,false,EUCLIDEAN,DECAYING"
    })
    void numpyReproducesTheEnginesDistancesFromTheFile(
            EncoderKind kind,
            boolean normalize,
            ContrastiveLoss.Form loss,
            io.contrastream.loss.scale.Standardization.Mode standardize)
            throws Exception {
        OnlineLearner learner =
                OnlineLearner.create(
                        ModelFileTest.trained(kind, normalize, 12, 5)
                                .config()
                                .withLoss(loss, loss == ContrastiveLoss.Form.COSINE ? 0.2 : 2.0)
                                .withStandardization(
                                        io.contrastream.loss.scale.Standardization.decaying()
                                                .withMode(standardize)),
                        12);
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 500; i++) {
            learner.process(
                    ModelFileTest.vector(random, 12),
                    ModelFileTest.vector(random, 12),
                    random.nextBoolean()
                            ? io.contrastream.loss.PairLabel.SAME
                            : io.contrastream.loss.PairLabel.DIFFERENT);
        }
        Path model = dir.resolve("model.safetensors");
        Files.write(model, ModelFile.write("interop", learner));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            float[] a = ModelFileTest.vector(random, 12);
            float[] b = ModelFileTest.vector(random, 12);
            double d = learner.score(a, b).dissimilarity();
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "{\"left\": %s, \"right\": %s, \"distance\": %s}",
                            json(a),
                            json(b),
                            Double.toString(d)));
        }
        Path pairs = dir.resolve("pairs.jsonl");
        Files.write(pairs, lines);

        Path script =
                Path.of(
                        System.getProperty("contrastream.root"),
                        "examples/python/model_interop.py");
        Process p =
                new ProcessBuilder(
                                "/usr/bin/python3",
                                script.toString(),
                                "check",
                                "--model",
                                model.toString(),
                                "--pairs",
                                pairs.toString(),
                                "--tolerance",
                                "1e-5")
                        .redirectErrorStream(true)
                        .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as(out + "\n(python3-numpy missing? .ci/run installs it)")
                .isZero();
        assertThat(out).contains("100 pairs").contains("0 beyond 1e-05");
    }

    private static String json(float[] v) throws IOException {
        StringBuilder s = new StringBuilder("[");
        for (int k = 0; k < v.length; k++) {
            s.append(k == 0 ? "" : ", ").append(Float.toString(v[k]));
        }
        return s.append(']').toString();
    }
}
