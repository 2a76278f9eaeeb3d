package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairScore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * From a notebook to the stream: numpy alone (Debian's python3, {@code
 * examples/python/model_interop.py write}) writes a linear model; {@code replay --init-from} starts
 * every new model from it; the scores of 100 unlabelled pairs (no update between them) are the
 * distances numpy computes from its own file, to 1e-5. A file whose encoder does not match the
 * job's flags is refused at start, naming the flags.
 */
class InitFromITCase {

    @TempDir Path dir;

    private static Path script() {
        return Path.of(System.getProperty("contrastream.root"), "examples/python/model_interop.py");
    }

    private static String python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void aModelWrittenByNumpyWarmStartsTheJobAndItsFirstScoresAreNumpys() throws Exception {
        Path model = dir.resolve("numpy.safetensors");
        python(
                "write",
                "--out",
                model.toString(),
                "--model",
                "nb",
                "--input-dim",
                "16",
                "--embedding-dim",
                "8",
                "--seed",
                "7");
        SplittableRandom random = new SplittableRandom(3);
        List<String> events = new ArrayList<>();
        Map<String, String> features = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            String left = vector(random);
            String right = vector(random);
            features.put("p" + i, "{\"left\": " + left + ", \"right\": " + right);
            events.add(
                    String.format(
                            Locale.ROOT,
                            "{\"event_id\":\"p%d\",\"model\":\"warm\",\"left\":{\"id\":\"a%d\","
                                    + "\"features\":%s},\"right\":{\"id\":\"b%d\",\"features\":%s},"
                                    + "\"label\":null,\"event_time\":%d}",
                            i,
                            i,
                            left,
                            i,
                            right,
                            1_700_000_000_000L + i));
        }
        Path input = dir.resolve("pairs.jsonl");
        Files.write(input, events);
        Path out = dir.resolve("out");
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .execute(
                                "replay",
                                "--input",
                                input.toString(),
                                "--output-dir",
                                out.toString(),
                                "--encoder",
                                "linear",
                                "--embedding-dim",
                                "8",
                                "--init-from",
                                model.toString());
        assertThat(exit).isZero();

        JsonCodec<PairScore> codec = JsonCodec.forType(PairScore.class);
        List<String> checks = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(ReplayCommand.SCORES_FILE))) {
            PairScore s = codec.decode(line);
            assertThat(s.getModelVersion()).isZero();
            checks.add(features.get(s.getEventId()) + ", \"distance\": " + s.getDistance() + "}");
        }
        assertThat(checks).hasSize(100);
        Path pairs = dir.resolve("check.jsonl");
        Files.write(pairs, checks);
        String report =
                python(
                        "check",
                        "--model",
                        model.toString(),
                        "--pairs",
                        pairs.toString(),
                        "--tolerance",
                        "1e-5");
        assertThat(report).contains("100 pairs").contains("0 beyond 1e-05");
    }

    @Test
    void aFileOfAnotherEncoderIsRefusedAtStartNamingTheFlags() throws Exception {
        Path model = dir.resolve("numpy.safetensors");
        python(
                "write",
                "--out",
                model.toString(),
                "--model",
                "nb",
                "--input-dim",
                "16",
                "--embedding-dim",
                "8");
        Path input = dir.resolve("pairs.jsonl");
        Files.writeString(input, "");
        StringWriter err = new StringWriter();
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .setErr(new PrintWriter(err))
                        .execute(
                                "replay",
                                "--input",
                                input.toString(),
                                "--output-dir",
                                dir.resolve("out").toString(),
                                "--encoder",
                                "linear",
                                "--embedding-dim",
                                "32",
                                "--init-from",
                                model.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .contains("init-from: the file's encoder is linear to 8")
                .contains("--embedding-dim")
                .contains("linear to 32");
    }

    private static String vector(SplittableRandom random) {
        StringBuilder s = new StringBuilder("[");
        for (int k = 0; k < 16; k++) {
            s.append(k == 0 ? "" : ",").append(Float.toString((float) random.nextGaussian()));
        }
        return s.append(']').toString();
    }
}
